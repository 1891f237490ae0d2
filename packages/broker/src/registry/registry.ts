import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { NEVER_EXPIRES } from '@mqdash/contracts';
import { evaluateHealth } from '../stats/health.ts';
import { SessionTraffic } from '../stats/session-stats.ts';
import type { NewSession, SessionPatch, SessionRow, Store, SubscriptionRow } from '../store/types.ts';
import { LiveSession, type EngineClient } from './live-session.ts';

/** Facts an MQTT CONNECT gives about a session (written from the engine's hooks). */
export interface ConnectFacts {
  clientName: string;
  protocolVersion: number;
  username: string | null;
  ipAddress: string | null;
  port: number | null;
  keepAlive: number;
  sessionExpiry: number;
  temporary: boolean;
  /** CONNECT-time settings: will, MQTT 5 limits, user properties. */
  settings: Record<string, unknown>;
  client: EngineClient;
  /** An admin feed connection: its session is hidden and temporary (DESIGN §5). */
  admin?: boolean;
}

export type Refusal = { kind: 'banned' | 'apiSession'; reason: string };

const protocolName = (v: number) => (v === 5 ? '5.0' : v === 4 ? '3.1.1' : '3.1');
const TOTALS_FLUSH_MS = 5000;
const TRAFFIC_ANNOUNCE_MS = 5000;

/** "publishRatePerMinute 12 is above maxHealthySendRatePerMinute 10" → the same with the numbers masked. */
const reasonKind = (reason: string | null): string | null => reason?.replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/g, '#') ?? null;

/**
 * The session registry (DESIGN §3): one record per client name for MQTT and MQ API sessions,
 * stored in the Store, with in-memory LiveSessions for those connected or with traffic.
 * Emits `change` (clientName) and `removed` (clientName) for the live feed, and `subscriptions`
 * (row) when an administrator changed a session's subscriptions (putSubscriptions).
 */
export class SessionRegistry extends EventEmitter {
  readonly live = new Map<string, LiveSession>();
  /**
   * Queue lengths loaded at start for sessions not used since (restoreBacklog): a number each, not
   * a LiveSession each, so a restart over 100,000 stored queues stays fast and small (issue 14).
   */
  private readonly idleBacklog = new Map<string, number>();
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  private tickTimer: NodeJS.Timeout | null = null;
  private lastFlush = Date.now();
  private lastTrafficAnnounce = Date.now();

  constructor(readonly store: Store, private readonly log: Logger, readonly now: () => number = Date.now) {
    super();
  }

  /** Start-up: connections of a previous process are gone; temporary sessions resume their expiry. */
  start(): void {
    const now = this.now();
    const n = this.store.markAllDisconnected(now);
    if (n > 0) this.log.info({ sessions: n }, 'marked sessions of the previous run disconnected');
    for (const row of this.store.temporarySessions()) {
      if (row.sessionType === 'mqApi' && row.creatorToken) {
        // authTokens do not survive a restart, so the sessions that end with them end now.
        this.removeSession(row, 'creator authToken ended');
      } else if (row.sessionType === 'mqtt') {
        this.scheduleExpiry(row, row.disconnectedAt ?? now);
      }
    }
    this.tickTimer = setInterval(() => this.tick(), 1000);
    this.tickTimer.unref();
  }

  stop(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    for (const t of this.expiryTimers.values()) clearTimeout(t);
    this.expiryTimers.clear();
    this.flushTotals();
  }

  get(clientName: string): SessionRow | undefined {
    return this.store.getSession(clientName);
  }

  /** Every stored client name, in one query (start-up checks of stored MQTT state, not one `get` each). */
  clientNames(): Set<string> {
    return this.store.clientNames();
  }

  liveOf(row: SessionRow): LiveSession {
    let live = this.live.get(row.clientName);
    if (!live) {
      const nowSec = Math.floor(this.now() / 1000);
      live = new LiveSession(row, new SessionTraffic(nowSec, row.totalPublished, row.totalReceived));
      live.watchedSince = nowSec;
      const restored = this.idleBacklog.get(row.clientName);
      if (restored !== undefined) {
        live.traffic.backlog.baseline(nowSec, restored);
        this.idleBacklog.delete(row.clientName);
      }
      this.live.set(row.clientName, live);
    }
    return live;
  }

  /** The in-memory side of a session for reading its figures: undefined for one with nothing in memory. */
  liveFor(row: SessionRow): LiveSession | undefined {
    return this.live.get(row.clientName) ?? (this.idleBacklog.has(row.clientName) ? this.liveOf(row) : undefined);
  }

  /**
   * preConnect: may this MQTT client name connect? A refusal is recorded on the session. A banned
   * session is refused by the ban list (its `clientName` entry, issue 12), checked before this.
   */
  admit(clientName: string): Refusal | null {
    if (!clientName) return null;
    const row = this.store.getSession(clientName);
    if (!row) return null;
    let refusal: Refusal | null = null;
    if (row.sessionType === 'mqApi') refusal = { kind: 'apiSession', reason: 'API session is already in use' };
    if (refusal) {
      this.recordFailedConnect(row, refusal.reason);
      this.emit('event', { type: 'refused', clientName, reason: refusal.reason });
    }
    return refusal;
  }

  recordFailedConnect(row: SessionRow, reason: string): void {
    this.store.updateSession(row.id, { failedAt: this.now(), failedReason: reason });
    this.emit('change', row.clientName);
  }

  /** Overrides an administrator set, applied to the CONNECT before aedes reads it. */
  overridesFor(clientName: string): Record<string, unknown> | null {
    const row = this.store.getSession(clientName);
    return row && Object.keys(row.overrides).length > 0 ? row.overrides : null;
  }

  onConnect(f: ConnectFacts): LiveSession {
    const now = this.now();
    this.cancelExpiry(f.clientName);
    let row = this.store.getSession(f.clientName);
    const overrides = row?.overrides ?? {};
    const facts: SessionPatch = {
      connectionStatus: 'connected',
      username: f.username,
      ipAddress: f.ipAddress,
      port: f.port,
      mqttProtocol: protocolName(f.protocolVersion),
      keepAlive: (overrides.keepAliveSeconds as number | undefined) ?? f.keepAlive,
      sessionExpiry: (overrides.sessionExpiryInterval as number | undefined) ?? f.sessionExpiry,
      temporary: (overrides.temporarySession as boolean | undefined) ?? f.temporary,
      connectedAt: now,
      lastActivityAt: now,
      ...(f.admin ? { sessionStatus: 'hidden' as const, temporary: true, sessionExpiry: 0 } : {}),
    };
    if (!row) {
      row = this.store.insertSession({
        ...newSessionDefaults(f.clientName, 'mqtt', now),
        ...(facts as Partial<NewSession>),
        settings: f.settings,
      });
    } else {
      const patch: SessionPatch = {
        ...facts,
        settings: { ...row.settings, ...f.settings, ...pick(overrides, Object.keys(row.settings).concat(Object.keys(f.settings))) },
      };
      // [seed 002] "If a client connects to an inactive session, the server changes the session to normal."
      if (row.sessionStatus === 'inactive' && !f.admin) patch.sessionStatus = 'normal';
      // Admitted past the ban list: the session's ban expired there (issue 12, one mechanism).
      if (row.sessionStatus === 'banned' && !f.admin) patch.sessionStatus = 'normal';
      this.store.updateSession(row.id, patch);
      row = { ...row, ...patch } as SessionRow;
    }
    const live = this.liveOf(row);
    live.refresh(row);
    live.connected = true;
    live.client = f.client;
    live.lastActivityAt = now;
    live.maximumPacketSize = (row.settings.maximumPacketSize as number | undefined) ?? null;
    live.traffic.startConnection(Math.floor(now / 1000));
    this.evaluate(live, true);
    this.emit('change', f.clientName);
    this.emit('event', { type: 'connect', clientName: f.clientName, ipaddress: f.ipAddress ?? undefined, mqttProtocol: protocolName(f.protocolVersion) });
    return live;
  }

  onDisconnect(client: EngineClient, reason = 'connection closed'): void {
    const live = this.live.get(client.id);
    // A takeover: the new connection already owns the session.
    if (!live || live.client !== client) return;
    const now = this.now();
    live.connected = false;
    live.client = null;
    live.traffic.endConnection();
    live.health = 'offline';
    live.unhealthyReason = null;
    live.broken = null;
    live.unhealthySince = live.brokenSince = null;
    this.store.updateSession(live.id, {
      connectionStatus: 'disconnected', disconnectedAt: now, sessionHealth: 'offline', unhealthyReason: null, unhealthySince: null,
      totalPublished: live.traffic.published.total, totalReceived: live.traffic.received.total,
    });
    live.dirty = false;
    this.emit('change', live.clientName);
    this.emit('event', { type: 'disconnect', clientName: live.clientName, reason });
    if (live.temporary) {
      const row = this.store.getSession(live.clientName);
      if (row) this.scheduleExpiry(row, now);
    }
  }

  onSubscribe(client: EngineClient, subs: Array<{ topic: string; qos: number; nl?: boolean; rap?: boolean; rh?: number; subscriptionIdentifier?: number }>): void {
    const live = this.live.get(client.id);
    if (!live) return;
    const now = this.now();
    this.store.transaction(() => {
      for (const s of subs) {
        if (s.qos >= 128) continue;
        // subscribedAt: describeMqSessions lists the topics published under the filter since (issue 9).
        const options: Record<string, unknown> = { subscribedAt: now };
        if (s.nl !== undefined) options.nl = s.nl;
        if (s.rap !== undefined) options.rap = s.rap;
        if (s.rh !== undefined) options.rh = s.rh;
        if (s.subscriptionIdentifier !== undefined) options.subscriptionIdentifier = s.subscriptionIdentifier;
        this.store.putSubscription(live.id, { topicFilter: s.topic, qos: s.qos, options });
      }
    });
    this.recountSubscriptions(live);
  }

  onUnsubscribe(client: EngineClient, topics: string[]): void {
    const live = this.live.get(client.id);
    if (!live) return;
    this.store.transaction(() => {
      for (const t of topics) this.store.removeSubscription(live.id, t);
    });
    this.recountSubscriptions(live);
  }

  /** Subscriptions changed by an administrator for a session that may be offline. */
  putSubscriptions(row: SessionRow, subs: SubscriptionRow[], removed: string[]): void {
    this.store.transaction(() => {
      for (const s of subs) this.store.putSubscription(row.id, s);
      for (const t of removed) this.store.removeSubscription(row.id, t);
    });
    const count = this.store.subscriptions(row.id).length;
    this.store.updateSession(row.id, { subCount: count });
    // An MQ API session fed by a subscription is watched for health from now (issue 9).
    const live = row.sessionType === 'mqApi' ? this.liveOf({ ...row, subCount: count }) : this.live.get(row.clientName);
    if (live) {
      live.subCount = count;
      this.evaluate(live, true);
    }
    this.emit('change', row.clientName);
    // For MQ API messaging: an MQ API session's subscriptions live only here and in the store.
    this.emit('subscriptions', row);
  }

  private recountSubscriptions(live: LiveSession): void {
    live.subCount = this.store.subscriptions(live.id).length;
    this.store.updateSession(live.id, { subCount: live.subCount });
    this.evaluate(live, true);
    this.emit('change', live.clientName);
  }

  /** Hot path: a PUBLISH from the session's client was accepted. */
  onPublish(live: LiveSession, topic: string, nowMs: number): void {
    live.traffic.published.add(Math.floor(nowMs / 1000));
    live.dirty = true;
    if (!live.publishedTopics.has(topic)) {
      live.publishedTopics.add(topic);
      this.store.addPublishedTopic(live.id, topic);
    }
  }

  /** Hot path: a message is being delivered to the session's client. */
  onDeliver(live: LiveSession, nowMs: number): void {
    live.traffic.received.add(Math.floor(nowMs / 1000));
    live.dirty = true;
  }

  /** Backlog counting from the persistence decorator. */
  /** A queued message was dropped because the session's queue was full (MQTT_MAX_QUEUED_MESSAGES). */
  onDrop(clientName: string): void {
    const row = this.live.has(clientName) ? undefined : this.store.getSession(clientName);
    const live = this.live.get(clientName) ?? (row ? this.liveOf(row) : undefined);
    if (!live) return;
    if (live.traffic.dropped++ === 0) this.log.warn({ clientName }, 'queue full: the oldest queued messages of this session are being dropped');
  }

  /** A session's queue as the engine loaded it at start: its length, and no growth. */
  restoreBacklog(clientName: string, level: number): void {
    const live = this.live.get(clientName);
    if (live) live.traffic.backlog.baseline(Math.floor(this.now() / 1000), level);
    else if (level > 0) this.idleBacklog.set(clientName, level);
    else this.idleBacklog.delete(clientName);
  }

  onBacklog(clientName: string, level: number): void {
    const live = this.live.get(clientName);
    if (live) live.traffic.backlog.set(Math.floor(this.now() / 1000), level);
    else {
      const row = this.store.getSession(clientName);
      if (row) this.liveOf(row).traffic.backlog.set(Math.floor(this.now() / 1000), level);
    }
  }

  /** Re-evaluates health; writes it when it changed (so healthFilter stays an indexed query). */
  evaluate(live: LiveSession, force = false): void {
    const nowSec = Math.floor(this.now() / 1000);
    const mqtt = live.sessionType === 'mqtt';
    // Issue 9: an MQ API session's thresholds are evaluated whenever it is in use (used, or fed by a
    // subscription), not only within its keep-alive window: a backlog nobody fetches is what they catch.
    const connected = mqtt ? live.connected : apiSessionWatched(live);
    const since = live.traffic.connectedSince ?? (mqtt ? null : live.watchedSince);
    const h = evaluateHealth(live.thresholds, {
      connected,
      connectedSeconds: since === null ? 0 : nowSec - since,
      publishRatePerMinute: live.traffic.publishRatePerMinute(nowSec),
      backlogRatePerMinute: live.traffic.backlog.perMinute(nowSec),
      subscribedTopicFilters: live.subCount,
    });
    // The reason names the current value, which moves every second: store and announce only a turn
    // of health or a different broken threshold, so healthFilter stays exact without a write a second.
    const turned = h.health !== live.health;
    const kindChanged = reasonKind(h.reason) !== reasonKind(live.unhealthyReason);
    const wasUnhealthy = live.health === 'unhealthy';
    live.health = h.health;
    live.unhealthyReason = h.reason;
    live.broken = h.broken;
    this.clockHealth(live, turned, kindChanged);
    if (turned || kindChanged || force)
      this.store.updateSession(live.id, { sessionHealth: h.health, unhealthyReason: h.reason, unhealthySince: live.unhealthySince });
    if (turned || kindChanged) this.emit('change', live.clientName);
    // Connects and disconnects have their own events; a health event is a turn to or from unhealthy.
    if (turned && (h.health === 'unhealthy' || wasUnhealthy))
      this.emit('event', { type: 'health', clientName: live.clientName, sessionHealth: h.health, ...(h.reason ? { reason: h.reason } : {}) });
  }

  /**
   * Issue 13 "unhealthy since": the clock starts at the turn to unhealthy and survives a change of
   * broken threshold (which restarts only that threshold's own clock); a stored time is kept.
   */
  private clockHealth(live: LiveSession, turned: boolean, kindChanged: boolean): void {
    if (live.health !== 'unhealthy') {
      live.unhealthySince = live.brokenSince = null;
      return;
    }
    const now = this.now();
    if (turned || live.unhealthySince === null) live.unhealthySince = now;
    if (turned || kindChanged || live.brokenSince === null) live.brokenSince = turned ? live.unhealthySince : now;
  }

  /** MQ API sessions are connectedTemporarily while an action used them within keep-alive × 1.5 (seed 002). */
  apiSessionConnected(live: LiveSession, now: number): boolean {
    if (live.lastActivityAt === null) return false;
    const window = live.keepAlive > 0 ? live.keepAlive * 1500 : 60_000;
    return now - live.lastActivityAt <= window;
  }

  private tick(): void {
    const now = this.now();
    // Every few seconds a session whose traffic moved is announced, so live tables show current rates.
    const announceTraffic = now - this.lastTrafficAnnounce >= TRAFFIC_ANNOUNCE_MS;
    if (announceTraffic) this.lastTrafficAnnounce = now;
    for (const live of this.live.values()) {
      if (live.sessionType === 'mqApi') this.tickApiSession(live, now);
      if (live.connected || live.health !== 'offline' || live.sessionType === 'mqApi') this.evaluate(live);
      if (announceTraffic && live.connected) {
        const mark = live.traffic.published.total + live.traffic.received.total;
        if (mark !== live.announcedTraffic) {
          live.announcedTraffic = mark;
          this.emit('change', live.clientName);
        }
      }
    }
    if (now - this.lastFlush >= TOTALS_FLUSH_MS) this.flushTotals();
  }

  private tickApiSession(live: LiveSession, now: number): void {
    const connected = this.apiSessionConnected(live, now);
    if (connected !== live.connected) {
      live.connected = connected;
      this.store.updateSession(live.id, connected
        ? { connectionStatus: 'connectedTemporarily' }
        : { connectionStatus: 'disconnected', disconnectedAt: now });
      if (!connected) live.traffic.endConnection();
      this.emit('change', live.clientName);
    }
    // [seed 002] after keepAliveSeconds × 1.5 without activity the expiry timer of a temporary session starts.
    if (live.temporary && live.keepAlive > 0 && live.lastActivityAt !== null && live.sessionExpiry < NEVER_EXPIRES
      && now - live.lastActivityAt > live.keepAlive * 1500 + live.sessionExpiry * 1000) {
      const row = this.store.getSession(live.clientName);
      if (row) this.removeSession(row, 'temporary MQ API session expired');
    }
  }

  /**
   * An MQ API action used the session as its client (publish, get messages). While it is used
   * within its keep-alive window, connectionStatus, ipaddress, port and connectionDateTime are that
   * client's (issue 9): the window opens at the first use, and a use from another address moves them.
   */
  touchApiSession(row: SessionRow, from: { ipAddress?: string | null; port?: number | null } = {}): LiveSession {
    const now = this.now();
    const live = this.liveOf(row);
    live.lastActivityAt = now;
    const address = from.ipAddress ? { ipAddress: from.ipAddress, port: from.port ?? null } : {};
    if (!live.connected) {
      live.connected = true;
      live.traffic.startConnection(Math.floor(now / 1000));
      this.store.updateSession(row.id, { lastActivityAt: now, connectionStatus: 'connectedTemporarily', connectedAt: now, ...address });
      this.emit('change', row.clientName);
    } else if (from.ipAddress && (from.ipAddress !== row.ipAddress || (from.port ?? null) !== row.port)) {
      this.store.updateSession(row.id, { lastActivityAt: now, ...address });
      this.emit('change', row.clientName);
    } else {
      this.store.updateSession(row.id, { lastActivityAt: now });
    }
    return live;
  }

  flushTotals(): void {
    this.lastFlush = this.now();
    const dirty = [...this.live.values()].filter((l) => l.dirty);
    if (dirty.length === 0) return;
    this.store.transaction(() => {
      for (const l of dirty) {
        this.store.updateSession(l.id, { totalPublished: l.traffic.published.total, totalReceived: l.traffic.received.total });
        l.dirty = false;
      }
    });
  }

  /** Applies a stored change to the in-memory side. */
  refreshLive(row: SessionRow): void {
    const live = this.live.get(row.clientName);
    if (!live) return;
    live.refresh(row);
    live.maximumPacketSize = (row.settings.maximumPacketSize as number | undefined) ?? null;
    this.evaluate(live, true);
  }

  /**
   * A ban was lifted: a ban keeps a temporary session (see scheduleExpiry), so a disconnected one
   * starts its session expiry now, as if its client had just disconnected (DESIGN §3).
   */
  onUnban(row: SessionRow): void {
    if (row.sessionType === 'mqtt' && row.temporary && row.connectionStatus !== 'connected' && !this.expiryTimers.has(row.clientName))
      this.scheduleExpiry(row, this.now());
  }

  private scheduleExpiry(row: SessionRow, disconnectedAt: number): void {
    // A banned session keeps existing so its ban holds (DESIGN §3).
    if (row.sessionStatus === 'banned' || row.sessionExpiry >= 0xffffffff) return;
    this.cancelExpiry(row.clientName);
    const due = disconnectedAt + row.sessionExpiry * 1000 - this.now();
    const expire = () => {
      this.expiryTimers.delete(row.clientName);
      const current = this.store.getSession(row.clientName);
      if (current && current.connectionStatus !== 'connected' && current.temporary && current.sessionStatus !== 'banned')
        this.removeSession(current, 'session expired');
    };
    if (due <= 0) {
      expire();
      return;
    }
    // setTimeout holds at most 2^31-1 ms; re-arm for longer expiries.
    const t = setTimeout(() => (due > 0x7fffffff ? this.scheduleExpiry(row, disconnectedAt) : expire()), Math.min(due, 0x7fffffff));
    t.unref();
    this.expiryTimers.set(row.clientName, t);
  }

  private cancelExpiry(clientName: string): void {
    const t = this.expiryTimers.get(clientName);
    if (t) {
      clearTimeout(t);
      this.expiryTimers.delete(clientName);
    }
  }

  /** Removes a session and everything stored about it. */
  removeSession(row: SessionRow, why: string): void {
    this.cancelExpiry(row.clientName);
    this.store.deleteSession(row.id);
    this.live.delete(row.clientName);
    this.idleBacklog.delete(row.clientName);
    this.log.debug({ clientName: row.clientName, why }, 'session removed');
    this.emit('removed', row.clientName, why);
  }
}

/** An MQ API session's health is evaluated once it has been used or has a subscription or a backlog (issue 9). */
function apiSessionWatched(live: LiveSession): boolean {
  return live.lastActivityAt !== null || live.subCount > 0 || live.traffic.backlog.level > 0;
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in o) out[k] = o[k];
  return out;
}

export function newSessionDefaults(clientName: string, sessionType: 'mqtt' | 'mqApi', now: number): NewSession {
  return {
    clientName, sessionType, sessionStatus: 'normal', connectionStatus: sessionType === 'mqApi' ? 'unknown' : 'disconnected',
    sessionHealth: 'offline', unhealthyReason: null, unhealthySince: null, temporary: false, username: null, ipAddress: null, port: null,
    mqttProtocol: null, keepAlive: 0, sessionExpiry: NEVER_EXPIRES, createdAt: now, connectedAt: null,
    disconnectedAt: null, lastActivityAt: null, failedAt: null, failedReason: null, minSend: 0, maxSend: 0,
    maxBacklog: 0, minSubs: 0, maxSubs: 0, labelId: null, totalPublished: 0, totalReceived: 0, subCount: 0,
    creatorToken: null, settings: {}, overrides: {},
  };
}
