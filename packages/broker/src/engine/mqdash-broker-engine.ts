/**
 * mqdash's own MQTT engine (engine/mqdash/) behind the BrokerEngine interface (issue 10, step 3):
 * the session registry, stats, accounts, feed tokens, bans and MQ API name rules plug in through
 * its EngineHooks, and its protocol state lives in SqliteSessionStore on the broker's database.
 * Selected with MQDASH_ENGINE=mqdash (BrokerOptions.mqtt.engine); aedes stays the default.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type Database from 'better-sqlite3';
import type { IConnectPacket, QoS } from 'mqtt-packet';
import type { Logger } from 'pino';
import { FEED_USERNAME, NEVER_EXPIRES, topicFilterProblem } from '@mqdash/contracts';
import type { SessionRegistry } from '../registry/registry.ts';
import type { EngineClient, LiveSession } from '../registry/live-session.ts';
import type { MqttProps, PublishPacket } from '../messaging/payload.ts';
import type { RetainedMessage, RetainedMessages } from '../persistence/retained-messages.ts';
import {
  PROTOCOL_MAX_PACKET, Reason, TOKEN_EXPIRED, allowEveryClient, atExpiry, revokeMatching,
  type BrokerEngine, type ConnectedClient, type ClientAuthenticator, type DisconnectOptions, type PublishListener, type SubscriptionRequest, type TrafficCounters,
} from './broker-engine.ts';
import { connectSettings, normalizeIp, recordRefusal } from './connect-facts.ts';
import { certificateUsernameOf } from './listeners.ts';
import { noEngineStats, protocolLabel, type ConnectionLabels, type EngineStats, type RefusalReason } from './stats-hooks.ts';
import { willPacket, type WillSettings } from './will.ts';
import { Engine } from './mqdash/engine.ts';
import { allowEverything, type AccessConnection, type AccessHooks } from '../access/types.ts';
import { InProcessBus, type Bus } from './mqdash/bus.ts';
import type { SessionStore } from './mqdash/persistence.ts';
import { MemorySessionStore } from './mqdash/memory-store.ts';
import { SqliteSessionStore } from './mqdash/sqlite-store.ts';
import { parseFilter } from './mqdash/topics.ts';
import { deliverRetained, wantsRetained } from './mqdash/handlers/subscribe.ts';
import { willOf } from './mqdash/will.ts';
import type { OverloadLimits } from './overload-limits.ts';
import { applyConnectOverrides, type OverridablePacket } from './connect-overrides.ts';
import { UNLIMITED_EXPIRY, type ClientInfo, type ConnectRequest, type EngineHooks, type EngineMessage, type Subscription } from './mqdash/types.ts';

export interface MqdashEngineOptions {
  registry: SessionRegistry;
  log: Logger;
  /** The broker's database: protocol state in SqliteSessionStore's tables. Omitted: in memory. */
  db?: Database.Database;
  /** Another persistence (PostgreSQL for a cluster, issue 11); wins over `db`. The engine closes it. */
  store?: SessionStore;
  /** Another bus (Redis between nodes, issue 11); default in-process. The engine closes it. */
  bus?: Bus;
  /** A clustered node's name (NODE_NAME), recorded in each session's registry row at CONNECT (issue 11). */
  nodeName?: string;
  maximumPacketSize: number;
  keepAliveLimit: number;
  topicAliasMaximum: number;
  verifyFeedToken?: (token: string) => string | null;
  clientAuth?: ClientAuthenticator;
  stats?: EngineStats;
  /** QoS 1/2 messages queued per session; when full, the oldest is dropped (MQTT_MAX_QUEUED_MESSAGES; 0: no limit). */
  maxQueuedMessages?: number;
  /** Each commit of the protocol state to the database, with its duration in seconds. */
  onStoreCommit?: (seconds: number) => void;
  /** A commit of the protocol state failed (a full disk); the PUBLISHes waiting for it are refused. */
  onStoreError?: (error: Error) => void;
  /** A client whose socket stays full this long is disconnected (MQTT_DRAIN_TIMEOUT_MS, as on aedes). 0: never. Default 60 s. */
  drainTimeoutMs?: number;
  /** The ban list and topic permissions (issue 12, access/types.ts). Default: allowEverything. */
  access?: AccessHooks;
  /**
   * Issue 14: `create` resolves before the stored sessions are loaded (true, the default); they load
   * in slices after it (`loadSliceRows` rows, default 5,000) and every MQTT call waits for them.
   * false: `create` resolves once they are loaded.
   */
  loadInBackground?: boolean;
  loadSliceRows?: number;
  /** Overload limits (connections, CONNECT rate, publish rates, subscriptions, queued bytes); validated by createBroker. */
  limits?: OverloadLimits;
}

/** What the hooks learnt of a CONNECT, kept from authenticate to onConnect. */
interface Admitted {
  admin: string | undefined;
  account: string | null;
  username: string | null;
  keepAlive: number;
  settings: Record<string, unknown>;
  version: number;
  /** The topic permission checks' handle of this connection (ordinary clients only). */
  access?: AccessConnection;
  /** Let in by a JWT or the HTTP auth hook: no stored account to re-check (issue 12). */
  external?: boolean;
  /** When the client's token expires (epoch ms): it is disconnected then. */
  expiresAt?: number;
}

/** A connection the registry knows, from onConnect to onDisconnect. */
interface Connected extends Admitted {
  info: ClientInfo;
  /** The registry's identity of this connection (a takeover's old connection is another object). */
  handle: EngineClient;
  live: LiveSession | undefined;
  counted: ConnectionLabels;
  /** Disconnects the client when its token expires. */
  expiry?: { cancel(): void };
}

const isSys = (topic: string) => topic.startsWith('$SYS');
const MQTT_REFUSAL: Record<3 | 4 | 5, { code: number; reason: RefusalReason }> = {
  3: { code: 0x88, reason: 'server_unavailable' },
  4: { code: 0x86, reason: 'bad_username_or_password' },
  5: { code: 0x87, reason: 'not_authorized' },
};

/** Why a connection ended, in words, from the reason code the engine reports. */
function endReasonOf(code: number): string {
  if (code === 0 || code === 4) return 'client sent DISCONNECT';
  if (code === 0x8d) return 'keep-alive timeout';
  if (code === 0x8e) return 'session taken over';
  if (code === 0x80) return 'connection lost';
  if (code === 0x97) return 'stopped reading: its socket stayed full for the drain timeout';
  return `closed by the server (reason 0x${code.toString(16)})`;
}

/** An engine message as the topic history and MQ API queues read it (aedes' PUBLISH shape). */
function packetOf(m: EngineMessage): PublishPacket {
  const properties: MqttProps = { ...(m.properties as MqttProps) };
  if (m.expiresAt !== undefined) properties.messageExpiryInterval = Math.max(1, Math.ceil((m.expiresAt - Date.now()) / 1000));
  return {
    cmd: 'publish', topic: m.topic, payload: m.payload, qos: m.qos, retain: m.retain, dup: false,
    ...(Object.keys(properties).length ? { properties } : {}),
    ...(m.origin !== undefined ? { clientId: m.origin } : {}),
  };
}

function messageOf(p: PublishPacket): EngineMessage {
  const { messageExpiryInterval, ...properties } = p.properties ?? {};
  return {
    topic: p.topic,
    payload: typeof p.payload === 'string' ? Buffer.from(p.payload) : p.payload,
    qos: Math.min(Math.max(p.qos, 0), 2) as QoS,
    retain: p.retain,
    properties: properties as EngineMessage['properties'],
    ...(messageExpiryInterval ? { expiresAt: Date.now() + messageExpiryInterval * 1000 } : {}),
    ...(p.clientId !== undefined ? { origin: p.clientId } : {}),
  };
}

/**
 * The console's retained messages (issue 14) over the engine's RetainedStore, which keeps when and
 * by whom each was stored. A message without a stored time (imported from an aedes folder) shows
 * the start as its time.
 */
class MqdashRetainedMessages implements RetainedMessages {
  private readonly loadedAt = Date.now();

  constructor(private readonly engine: Engine) {}

  get size(): number {
    return this.engine.retained.count();
  }

  list(filter: string, skip: number, limit: number): { messages: RetainedMessage[]; totalCount: number } {
    const all = this.matching(filter);
    return { messages: all.slice(skip, skip + limit).map((m) => this.toRetained(m)), totalCount: all.length };
  }

  get(topic: string): RetainedMessage | undefined {
    const m = this.engine.retained.match(topic, Date.now()).find((x) => x.topic === topic);
    return m && this.toRetained(m);
  }

  countMatching(filter: string): number {
    return this.engine.retained.match(filter, Date.now()).length;
  }

  delete(topic: string): Promise<number> {
    if (!this.get(topic)) return Promise.resolve(0);
    this.clear(topic);
    return Promise.resolve(1);
  }

  deleteMatching(filter: string): Promise<number> {
    const all = this.matching(filter);
    for (const m of all) this.clear(m.topic);
    return Promise.resolve(all.length);
  }

  private matching(filter: string): EngineMessage[] {
    return this.engine.retained.match(filter, Date.now()).sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  }

  /** An empty retained message clears the topic [MQTT-3.3.1-6], in memory and in the table. */
  private clear(topic: string): void {
    this.engine.retained.put({ topic, payload: Buffer.alloc(0), qos: 0, retain: true, properties: {} });
  }

  private toRetained(m: EngineMessage): RetainedMessage {
    const out: RetainedMessage = { topic: m.topic, payload: m.payload, qos: m.qos, storedAt: m.storedAt ?? this.loadedAt };
    if (m.expiresAt !== undefined) out.expiresAt = m.expiresAt;
    if (m.origin !== undefined) out.publisherClientName = m.origin;
    if (m.publisherUsername !== undefined) out.publisherUsername = m.publisherUsername;
    if (Object.keys(m.properties).length) out.properties = m.properties as MqttProps;
    return out;
  }
}

export class MqdashBrokerEngine implements BrokerEngine {
  readonly kind = 'mqdash' as const;
  readonly counters: TrafficCounters = { in: 0, out: 0 };
  readonly engine: Engine;
  /** The retained messages for the console (Broker.retained). */
  readonly retained: MqdashRetainedMessages;
  private readonly admitted = new Map<string, Admitted>();
  private readonly connected = new Map<string, Connected>();
  /** Why an administrator ended a connection, read when it ends. */
  private readonly endReasons = new Map<string, string>();
  private readonly listeners = new Set<PublishListener>();
  /** The backlog last told to the registry, per session. */
  private readonly backlogs = new Map<string, number>();
  private readonly listenerOf = new WeakMap<Duplex, 'tcp' | 'ws'>();
  /**
   * Resolves once the stored sessions are loaded and restored (issue 14); rejects when they could
   * not be. Until then connections wait before their first packet is read, and subscribe,
   * unsubscribe, publish and hasSubscribers wait too: no message is routed before every stored
   * subscription is known, so none is lost for a session not loaded yet.
   */
  restored: Promise<void> = Promise.resolve();
  /** Whether the stored sessions are loaded (the readiness check `mqtt state`). */
  isRestored = false;
  /** How long the load took (ms), once it is done. */
  loadMs: number | undefined;
  /** Sessions the registry removed while the load ran: wiped once it is done. */
  private readonly wipeAfterLoad = new Set<string>();
  private closing = false;

  /** The last commit of the protocol state failed with this (a full disk); null once one succeeds. */
  storeFailure: Error | null = null;

  private constructor(private readonly o: MqdashEngineOptions) {
    const store = o.store ?? (o.db ? new SqliteSessionStore(o.db, {
      loadSliceRows: o.loadSliceRows,
      onCommit: (seconds) => {
        this.storeFailure = null;
        o.onStoreCommit?.(seconds);
      },
      onError: (err) => {
        this.storeFailure = err;
        o.onStoreError?.(err);
      },
    }) : new MemorySessionStore());
    this.engine = new Engine({
      hooks: this.hooks(),
      maximumPacketSize: o.maximumPacketSize,
      topicAliasMaximum: o.topicAliasMaximum,
      keepAliveLimit: o.keepAliveLimit,
      drainTimeoutMs: o.drainTimeoutMs ?? 60_000,
      ...(o.maxQueuedMessages !== undefined && { maxQueuedMessages: o.maxQueuedMessages === 0 ? Infinity : o.maxQueuedMessages }),
      ...o.limits,
    }, o.bus ?? new InProcessBus(), store);
    this.retained = new MqdashRetainedMessages(this.engine);
    o.registry.on('removed', (clientName: string) => this.wipe(clientName));
  }

  static async create(o: MqdashEngineOptions): Promise<MqdashBrokerEngine> {
    const engine = new MqdashBrokerEngine(o);
    const started = performance.now();
    engine.restored = engine.load().then(() => {
      engine.loadMs = performance.now() - started;
      engine.isRestored = true;
    });
    engine.restored.catch((err: unknown) => {
      if (engine.closing) o.log.debug({ err }, 'closed while the stored MQTT state loaded');
      else o.log.error({ err }, 'the stored MQTT state could not be loaded');
    });
    if (o.loadInBackground === false) await engine.restored;
    return engine;
  }

  private async load(): Promise<void> {
    const { registry } = this.o;
    // Not a row before the caller's own start-up work is done (the broker listens first).
    await new Promise((resolve) => setImmediate(resolve));
    const known = registry.clientNames();
    // A store shared by the nodes of a cluster (issue 11) also holds the sessions of other nodes:
    // this node takes only those its registry knows (connected here) and leaves the rest alone.
    await this.engine.restore(this.o.store ? (clientId) => known.has(clientId) : undefined, this.o.loadSliceRows);
    // Sessions the registry ended while no engine listened (expired or deleted while the broker was
    // down), or while they loaded.
    for (const clientId of [...this.engine.sessions.keys()]) if (!known.has(clientId) || this.wipeAfterLoad.has(clientId)) this.wipeNow(clientId);
    this.wipeAfterLoad.clear();
    // The queues as loaded: the registry's backlog stats start from them.
    for (const session of this.engine.sessions.values()) {
      if (session.backlog === 0) continue;
      this.backlogs.set(session.clientId, session.backlog);
      registry.restoreBacklog(session.clientId, session.backlog);
    }
  }

  get maximumPacketSize(): number {
    return this.engine.settings.maximumPacketSize || PROTOCOL_MAX_PACKET;
  }

  readonly maxTopicLevels = 100;

  connectedCount(): number {
    return this.engine.connections.size;
  }

  handle(stream: Duplex, req?: IncomingMessage): void {
    if (!this.isRestored) {
      // Its bytes wait in the stream (nothing reads it yet) until the stored sessions are loaded.
      void this.restored.then(() => {
        if (!stream.destroyed) this.handle(stream, req);
      }, () => stream.destroy());
      return;
    }
    if (req) {
      // A WebSocket stream has no address of its own: the hooks read the HTTP request's.
      Object.defineProperty(stream, 'remoteAddress', { value: req.socket.remoteAddress, configurable: true });
      Object.defineProperty(stream, 'remotePort', { value: req.socket.remotePort, configurable: true });
    }
    this.listenerOf.set(stream, req ? 'ws' : 'tcp');
    this.engine.handle(stream);
  }

  isConnected(clientName: string): boolean {
    return this.engine.connections.has(clientName);
  }

  disconnect(clientName: string, opts: DisconnectOptions = {}): Promise<boolean> {
    const connection = this.engine.connections.get(clientName);
    if (!connection || connection.closed) return Promise.resolve(false);
    this.endReasons.set(clientName, opts.reason ?? 'disconnected by an administrator');
    if (opts.dropWill) connection.will = undefined;
    connection.disconnect(opts.reasonCode ?? Reason.administrativeAction, !opts.dropWill);
    return Promise.resolve(true);
  }

  connectedClients(): ConnectedClient[] {
    const out: ConnectedClient[] = [];
    for (const c of this.connected.values())
      if (c.admin === undefined) out.push({ clientName: c.info.clientId, account: c.account, username: c.info.username ?? null, ipAddress: normalizeIp(c.info.remoteAddress) });
    return out;
  }

  revokeAccess(match: (account: string | null) => boolean, reason: string): Promise<number> {
    return revokeMatching(this, match, reason);
  }

  setWill(clientName: string, settings: WillSettings): void {
    const connection = this.engine.connections.get(clientName);
    if (!connection || connection.closed) return;
    const will = willPacket(settings, connection.protocolVersion);
    connection.will = will ? willOf({ will } as unknown as IConnectPacket, clientName) : undefined;
    if (connection.session) this.engine.sessionChanged(connection.session);
  }

  async subscribe(clientName: string, subs: SubscriptionRequest[]): Promise<'live' | 'stored'> {
    if (!this.isRestored) await this.restored;
    const live = this.engine.connections.has(clientName);
    let session = this.engine.sessions.get(clientName);
    if (!session) {
      // A stored session the engine does not hold yet: kept until the registry removes it.
      session = this.engine.newSession(clientName);
      session.expiryInterval = UNLIMITED_EXPIRY;
      session.disconnectedAt = Date.now();
      this.engine.sessions.set(clientName, session);
    }
    const added: Subscription[] = [];
    const retained: Subscription[] = [];
    for (const s of subs) {
      const parsed = parseFilter(s.topic);
      if (!parsed) throw new Error(`topic filter ${JSON.stringify(s.topic)} is not valid`);
      const subscription: Subscription = {
        clientId: clientName, filter: s.topic, topicFilter: parsed.topicFilter, group: parsed.group,
        qos: Math.min(Math.max(s.qos, 0), 2) as QoS, noLocal: s.nl === true, retainAsPublished: s.rap === true, retainHandling: (s.rh ?? 0) as 0 | 1 | 2,
        ...(s.subscriptionIdentifier !== undefined ? { subscriptionId: s.subscriptionIdentifier } : {}),
      };
      if (wantsRetained(subscription, this.engine.addSubscription(session, subscription))) retained.push(subscription);
      added.push(subscription);
    }
    this.engine.sessionChanged(session);
    const c = this.connected.get(clientName);
    if (live && c) this.registrySubscribe(c, added);
    // a connected client gets the retained messages as for its own SUBSCRIBE (a stored session, as on aedes, does not)
    if (live) deliverRetained(this.engine, session, retained);
    return live ? 'live' : 'stored';
  }

  async unsubscribe(clientName: string, topics: string[]): Promise<'live' | 'stored'> {
    if (!this.isRestored) await this.restored;
    const session = this.engine.sessions.get(clientName);
    if (session) {
      for (const t of topics) {
        const subscription = session.subscriptions.get(t);
        if (!subscription) continue;
        this.engine.router.remove(subscription);
        session.subscriptions.delete(t);
      }
      this.engine.sessionChanged(session);
    }
    const c = this.connected.get(clientName);
    if (c) this.o.registry.onUnsubscribe(c.handle, topics);
    return c ? 'live' : 'stored';
  }

  wipe(clientName: string): void {
    if (this.isRestored) this.wipeNow(clientName);
    else this.wipeAfterLoad.add(clientName);
  }

  private wipeNow(clientName: string): void {
    const session = this.engine.sessions.get(clientName);
    // The session is gone: its will is not published, its subscriptions and queue go.
    this.engine.wills.cancel(clientName);
    if (session && !session.connection) this.engine.endSession(session);
  }

  countQueuedBefore(cutoff: number): number {
    return this.isRestored ? this.engine.countQueuedBefore(cutoff) : 0;
  }

  purgeQueuedBefore(cutoff: number, limit: number): number {
    return this.isRestored ? this.engine.purgeQueuedBefore(cutoff, limit) : 0;
  }

  queuedMessages(): number {
    let n = 0;
    for (const session of this.engine.sessions.values()) n += session.backlog;
    return n;
  }

  retainedMessages(): Promise<number> {
    return Promise.resolve(this.engine.retained.count());
  }

  async publish(packet: PublishPacket): Promise<void> {
    if (!this.isRestored) await this.restored;
    this.engine.publish(messageOf(packet));
  }

  onPublish(listener: PublishListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async hasSubscribers(topic: string): Promise<boolean> {
    if (!this.isRestored) await this.restored;
    return this.engine.router.matches(topic);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.engine.close();
    // A load under way stops at its next slice (the store is closed).
    await this.restored.catch(() => undefined);
  }

  private registrySubscribe(c: Connected, subs: Subscription[]): void {
    if (!c.live) return;
    this.o.registry.onSubscribe(c.handle, subs.map((s) => ({
      topic: s.filter, qos: s.qos, nl: s.noLocal, rap: s.retainAsPublished, rh: s.retainHandling,
      ...(s.subscriptionId !== undefined ? { subscriptionIdentifier: s.subscriptionId } : {}),
    })));
  }

  private async authenticate(r: ConnectRequest): Promise<number> {
    const { registry, log } = this.o;
    const stats = this.o.stats ?? noEngineStats;
    const refusal = registry.admit(r.clientId);
    if (refusal) {
      log.info({ clientName: r.clientId, reason: refusal.reason }, 'connect refused');
      stats.refused(refusal.kind === 'banned' ? 'banned' : 'client_id_in_use');
      r.reasonString = refusal.reason;
      return refusal.kind === 'banned' ? Reason.banned : Reason.clientIdNotValid;
    }
    const access = this.o.access ?? allowEverything;
    // TLS_CERT_CN_AS_USERNAME: the verified client certificate's CN is the user name, and the
    // certificate the credential (the CONNECT's user name and password are set aside).
    const certified = certificateUsernameOf(r.stream);
    if (certified !== undefined) {
      r.username = certified;
      r.packet.username = certified;
      r.password = undefined;
    }
    // Issue 12: the ban list (client id, user name, address). The dashboard's feed is exempt (an
    // administrator's own address in a banned range); a forged feed user is refused below.
    const banned = r.username === FEED_USERNAME ? null
      : access.checkConnect({ clientId: r.clientId, username: r.username ?? null, remoteAddress: normalizeIp(r.remoteAddress) });
    if (banned) {
      recordRefusal(registry, log, r.clientId, r.username, banned);
      stats.refused('banned');
      r.reasonString = banned;
      return Reason.banned;
    }
    // alterMqSession's overrides, as the aedes wrapper applies them (DESIGN §3: at the next CONNECT)
    const keepAlive = applyConnectOverrides(r.packet as OverridablePacket, registry.overridesFor(r.clientId));
    if (keepAlive !== undefined) r.keepAlive = keepAlive;
    const facts = {
      username: r.username ?? null, keepAlive: r.keepAlive, version: r.protocolVersion,
      settings: connectSettings(r.packet as Parameters<typeof connectSettings>[0]),
    };
    if (r.username === FEED_USERNAME) {
      // The feed user is reserved: only a valid feed token gets in [DESIGN §5].
      const admin = r.password ? (this.o.verifyFeedToken?.(r.password.toString('utf8')) ?? null) : null;
      if (!admin) {
        log.info({ clientName: r.clientId }, 'feed connection refused: bad token');
        stats.refused('bad_username_or_password');
        return 0x86;
      }
      this.admitted.set(r.clientId, { ...facts, admin, account: null });
      return 0;
    }
    let verdict;
    try {
      verdict = await (this.o.clientAuth ?? allowEveryClient).check(r.username, r.password, { clientId: r.clientId, remoteAddress: normalizeIp(r.remoteAddress), certificateUsername: certified, protocolVersion: r.protocolVersion });
    } catch (err) {
      log.error({ err, clientName: r.clientId }, 'MQTT authentication failed');
      verdict = { ok: false as const, returnCode: 3 as const, reason: 'server unavailable: the credentials could not be checked' };
    }
    if (!verdict.ok) {
      recordRefusal(registry, log, r.clientId, r.username, verdict.reason);
      stats.refused(MQTT_REFUSAL[verdict.returnCode].reason);
      return MQTT_REFUSAL[verdict.returnCode].code;
    }
    // A token names the user: a CONNECT without a user name gets the token's.
    const username = verdict.username ?? r.username ?? null;
    const identity = { clientId: r.clientId, username, account: verdict.account, ...(verdict.permissions && { permissions: verdict.permissions }) };
    // Issue 12: the client-id binding, once the user name is known to be this client's.
    const unbound = access.checkIdentity(identity);
    if (unbound) {
      recordRefusal(registry, log, r.clientId, r.username, unbound.reason);
      stats.refused('not_authorized');
      return unbound.reasonCode;
    }
    this.admitted.set(r.clientId, {
      ...facts, username, admin: undefined, account: verdict.account, access: access.openConnection(identity),
      ...(verdict.external && { external: true }), ...(verdict.expiresAt !== undefined && { expiresAt: verdict.expiresAt }),
    });
    return 0;
  }

  private onConnect(info: ClientInfo): void {
    const { registry, log } = this.o;
    const facts = this.admitted.get(info.clientId);
    this.admitted.delete(info.clientId);
    const connection = this.engine.connections.get(info.clientId);
    const listener = (connection && this.listenerOf.get(connection.stream)) ?? 'tcp';
    const expiry = this.engine.sessions.get(info.clientId)?.expiryInterval ?? 0;
    const c: Connected = {
      admin: undefined, account: null, username: info.username ?? null, keepAlive: 0, settings: {}, version: info.protocolVersion,
      ...facts,
      info, handle: { id: info.clientId }, live: undefined,
      counted: { listener, protocol: protocolLabel(info.protocolVersion) },
    };
    this.connected.get(info.clientId)?.expiry?.cancel(); // a taken-over connection's
    this.connected.set(info.clientId, c);
    this.endReasons.delete(info.clientId);
    try {
      c.live = registry.onConnect({
        clientName: info.clientId,
        protocolVersion: info.protocolVersion,
        username: c.username,
        ipAddress: normalizeIp(info.remoteAddress),
        port: info.remotePort ?? null,
        keepAlive: connection?.keepAlive ?? c.keepAlive, // Server Keep Alive included
        sessionExpiry: expiry >= UNLIMITED_EXPIRY ? NEVER_EXPIRES : expiry,
        temporary: expiry < UNLIMITED_EXPIRY,
        settings: { ...c.settings, listener, ...(this.o.nodeName !== undefined && { nodeName: this.o.nodeName }) },
        client: c.handle,
        admin: c.admin !== undefined,
      });
    } catch (err) {
      log.error({ err, clientName: info.clientId }, 'registry failed to record a connect');
    }
    (this.o.stats ?? noEngineStats).connected(c.counted);
    // An account disabled while this client was between its authentication and now: check again.
    if (c.admin === undefined && !c.external && !(this.o.clientAuth ?? allowEveryClient).admits(c.account))
      void this.disconnect(info.clientId, { reasonCode: Reason.notAuthorized, dropWill: true, reason: 'MQTT access revoked while connecting' });
    // Issue 12: a client let in by a JWT is disconnected when the token expires, with MQTT 5
    // DISCONNECT 0x87 Not authorized (3.1.1: the connection is closed) and its will dropped, as a
    // revoked account's. (0x8C Bad authentication method is for a changed AUTH method, not this.)
    if (c.expiresAt !== undefined) c.expiry = atExpiry(c.expiresAt, () => {
      if (this.connected.get(info.clientId) === c) void this.disconnect(info.clientId, { reasonCode: Reason.notAuthorized, dropWill: true, reason: TOKEN_EXPIRED });
    });
  }

  private onDisconnect(info: ClientInfo, reasonCode: number): void {
    const c = this.connected.get(info.clientId);
    if (!c || c.info !== info) return; // a takeover: the new connection owns the session
    this.connected.delete(info.clientId);
    c.expiry?.cancel();
    (this.o.stats ?? noEngineStats).disconnected(c.counted);
    const reason = this.endReasons.get(info.clientId) ?? endReasonOf(reasonCode);
    this.endReasons.delete(info.clientId);
    try {
      this.o.registry.onDisconnect(c.handle, reason);
    } catch (err) {
      this.o.log.error({ err, clientName: info.clientId }, 'registry failed to record a disconnect');
    }
  }

  private hooks(): EngineHooks {
    const { registry, log } = this.o;
    const stats = () => this.o.stats ?? noEngineStats;
    return {
      authenticate: (r) => this.authenticate(r),
      authorizePublish: (client, message) => {
        if (!client) return 0; // wills and the broker's own messages
        const c = this.connected.get(client.clientId);
        // DESIGN §5: nobody publishes under $SYS/; the feed connection only reads.
        if (isSys(message.topic) || c?.admin !== undefined) return Reason.notAuthorized;
        // Issue 12: the topic permissions (QoS 1/2: PUBACK/PUBREC 0x87; QoS 0: dropped).
        if (c?.access && (this.o.access ?? allowEverything).checkPublish(c.access, message.topic)) return Reason.notAuthorized;
        this.counters.in++;
        stats().received(message.qos, message.payload.length);
        if (c?.live) registry.onPublish(c.live, message.topic, Date.now());
        return 0;
      },
      authorizeSubscribe: (client, subscription) => {
        // DESIGN §5: only admin feed connections may subscribe under $SYS/.
        if (isSys(subscription.topicFilter) && this.connected.get(client.clientId)?.admin === undefined) return Reason.notAuthorized;
        if (topicFilterProblem(subscription.topicFilter)) return 0x8f;
        const c = this.connected.get(client.clientId);
        if (c?.access && (this.o.access ?? allowEverything).checkSubscribe(c.access, subscription.topicFilter)) return Reason.notAuthorized;
        return subscription.qos;
      },
      onConnect: (info) => this.onConnect(info),
      onDisconnect: (info, code) => this.onDisconnect(info, code),
      onSubscribe: (client, subs) => {
        const c = this.connected.get(client.clientId);
        if (c) this.registrySubscribe(c, subs);
      },
      onUnsubscribe: (client, filters) => {
        const c = this.connected.get(client.clientId);
        if (c?.live) registry.onUnsubscribe(c.handle, filters);
      },
      onDeliver: (clientId, message, qos) => {
        if (isSys(message.topic)) return; // the broker talking to dashboards: not client traffic
        this.counters.out++;
        stats().sent(qos, message.payload.length);
        const live = this.connected.get(clientId)?.live ?? registry.live.get(clientId);
        if (live) registry.onDeliver(live, Date.now());
      },
      onDrop: (clientId, reason) => {
        if (reason === 'expired') stats().expired();
        else if (reason === 'queue_full' || reason === 'too_large') stats().dropped(reason);
        // the session's stats.droppedMessages and the "queue full" warning, as on aedes
        if (reason === 'queue_full') registry.onDrop(clientId);
        // QoS 0 lost by a slow reader is counted in the session's `dropped`, as on aedes
      },
      onBacklog: (clientId, backlog) => {
        if (this.backlogs.get(clientId) === backlog) return;
        this.backlogs.set(clientId, backlog);
        registry.onBacklog(clientId, backlog);
      },
      onSessionEnd: (clientId) => {
        this.backlogs.delete(clientId);
      },
      onPublish: (client, message) => {
        if (this.listeners.size === 0) return;
        const packet = packetOf(message);
        const publisher = client?.clientId ?? message.origin ?? null;
        for (const l of this.listeners) l(packet, publisher);
      },
      onError: (err, where) => log.error({ err, where }, 'MQTT engine fault'),
    };
  }
}
