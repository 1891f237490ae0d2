/**
 * mqdash's own MQTT engine (issue 10, first step): sessions, routing through a bus, retained
 * messages and wills, over any number of TCP or WebSocket streams given to `handle`. The rest of
 * the broker plugs in through `EngineHooks` (engine/mqdash-broker-engine.ts, MQDASH_ENGINE=mqdash).
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { InProcessBus, type Bus } from './bus.ts';
import { Connection } from './connection.ts';
import { handlePacket, refuseProtocol } from './handlers/index.ts';
import { MemorySessionStore } from './memory-store.ts';
import type { SessionMeta, SessionState, SessionStore } from './persistence.ts';
import type { RetainedStore } from './retained.ts';
import { Router } from './router.ts';
import { rateLimitOf, type RateLimit } from './rate-limit.ts';
import { Session, type QueueLimits } from './session.ts';
import { UNLIMITED_EXPIRY, type ClientInfo, type EngineHooks, type EngineMessage, type EngineOptions, type Subscription } from './types.ts';
import { startTimer } from './timer.ts';
import { WillTimers, type PendingWill } from './will.ts';

export interface EngineSettings {
  maximumPacketSize: number;
  receiveMaximum: number;
  topicAliasMaximum: number;
  keepAliveLimit: number;
  maxClientIdLength: number;
  maxQueuedMessages: number;
  connectTimeoutMs: number;
  maxWriteBufferBytes: number;
  drainTimeoutMs: number;
  maxConnections: number;
  maxSubscriptionsPerClient: number;
  maxConnectRate: number;
  maxPublishRate: number;
  maxPublishBytesRate: number;
  maxQueuedBytes: number;
  responseInformation: string;
}

export const defaultSettings: EngineSettings = {
  maximumPacketSize: 0,
  receiveMaximum: 65535,
  topicAliasMaximum: 10,
  keepAliveLimit: 0,
  maxClientIdLength: 65535,
  maxQueuedMessages: 1000,
  connectTimeoutMs: 10_000,
  maxWriteBufferBytes: 1024 * 1024,
  drainTimeoutMs: 0,
  maxConnections: 0,
  maxSubscriptionsPerClient: 0,
  maxConnectRate: 0,
  maxPublishRate: 0,
  maxPublishBytesRate: 0,
  maxQueuedBytes: Number.POSITIVE_INFINITY,
  responseInformation: '',
};

export class Engine {
  readonly settings: EngineSettings;
  readonly hooks: EngineHooks;
  readonly router = new Router();
  readonly sessions = new Map<string, Session>();
  /** The current connection of each connected client id. */
  readonly connections = new Map<string, Connection>();
  readonly wills: WillTimers;
  private readonly open = new Set<Connection>();
  /** Deliveries made by this node while routing the message being published. */
  private routed = 0;
  private readonly stopRouting: () => void;
  /** Sessions changed since the last save; saved together once the current task ends. */
  private readonly changed = new Set<Session>();
  private saving = true;
  private closed = false;
  /** CONNECTs per second, engine-wide (maxConnectRate); undefined: no limit. */
  readonly connectRate: RateLimit | undefined;

  constructor(
    options: EngineOptions = {},
    readonly bus: Bus = new InProcessBus(),
    readonly store: SessionStore = new MemorySessionStore(),
  ) {
    const { hooks, ...settings } = options;
    this.settings = { ...defaultSettings, ...settings };
    this.hooks = hooks ?? {};
    this.connectRate = rateLimitOf(this.settings.maxConnectRate);
    // wills and expiries run from timers: a faulty hook there must not take the process down
    this.wills = new WillTimers((will) => void this.publishWill(will).catch((error) => this.fault(error, 'will')));
    this.stopRouting = bus.subscribe((message) => this.route(message));
  }

  private get queueLimits(): QueueLimits {
    return { maxQueued: this.settings.maxQueuedMessages, maxQueuedBytes: this.settings.maxQueuedBytes || Number.POSITIVE_INFINITY };
  }

  get retained(): RetainedStore {
    return this.store.retained;
  }

  /**
   * Reads the stored sessions back (call once, before `handle`): subscriptions return to the
   * router, the expiry runs on from the stored disconnect (from now for a session that was
   * connected when the process stopped), a stored will waits for its delay again. `owned` picks
   * the sessions this engine takes (a store shared by several nodes holds the others' too: they are
   * neither loaded nor touched).
   */
  async restore(owned: (clientId: string) => boolean = () => true, sliceSessions = 5000): Promise<number> {
    const states = (await this.store.loadSessions()).filter((state) => owned(state.clientId));
    const now = Date.now();
    for (let i = 0; i < states.length && !this.closed; i++) {
      this.restoreSession(states[i]!, now);
      // A turn of the event loop between slices (issue 14: it may run after the broker listens).
      if ((i + 1) % sliceSessions === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return states.length;
  }

  /** Creates a session and wires it to the persistence. */
  newSession(clientId: string): Session {
    const session = new Session(clientId, this.queueLimits);
    this.track(session);
    return session;
  }

  /** Adds (or replaces [MQTT-3.8.4-3]) a session's subscription; true when one was replaced. */
  addSubscription(session: Session, subscription: Subscription): boolean {
    const previous = session.subscriptions.get(subscription.filter);
    if (previous) this.router.remove(previous);
    session.subscriptions.set(subscription.filter, subscription);
    this.router.add(subscription);
    return previous !== undefined;
  }

  /** Saves the session once the current task ends (many changes, one write). */
  sessionChanged(session: Session): void {
    if (!this.saving || session.expiryInterval === 0) return; // a session that ends with its connection is never stored
    if (this.changed.size === 0) queueMicrotask(() => this.saveChanged());
    this.changed.add(session);
  }

  /** Serves MQTT on a stream (a TCP socket, or a WebSocket wrapped as a stream). */
  handle(stream: Duplex): Connection {
    const connection = new Connection(
      stream,
      {
        packet: (conn, packet) => {
          const handled = handlePacket(this, conn, packet);
          if (conn.session) this.sessionChanged(conn.session); // subscriptions, QoS 2 ids, acks
          return handled;
        },
        fault: (error) => this.fault(error, 'packet'),
        unsupportedProtocol: (conn, level) => refuseProtocol(conn, level),
        closed: (conn, reasonCode, withWill) => this.connectionClosed(conn, reasonCode, withWill),
      },
      this.settings.maximumPacketSize,
      this.settings.connectTimeoutMs,
      this.settings.maxWriteBufferBytes,
      this.settings.drainTimeoutMs,
    );
    this.open.add(connection);
    return connection;
  }

  /**
   * Accepts a message for routing: retained store first, then the bus [MQTT-3.3.1-5]. Returns
   * whether any subscriber matched, or undefined when the bus cannot tell (another node may have one).
   */
  publish(message: EngineMessage, client?: ClientInfo): boolean | undefined {
    if (message.retain) {
      // the stored copy says when and by whom (the console's retained messages, issue 14)
      const stored = message.payload.length === 0 ? message : { ...message, storedAt: Date.now() };
      if (stored !== message && client?.username !== undefined) stored.publisherUsername = client.username;
      this.retained.put(stored);
    }
    this.hooks.onPublish?.(client, message);
    this.routed = 0;
    this.bus.publish(message);
    return this.bus.reachesAllSubscribers ? this.routed > 0 : undefined;
  }

  /** A client id for a CONNECT without one [MQTT-3.1.3-6]. */
  assignClientId(): string {
    for (;;) {
      const id = `mqdash-${randomBytes(9).toString('base64url')}`;
      if (!this.sessions.has(id)) return id;
    }
  }

  /** Messages queued before `cutoff` for sessions without a connection, not sent yet (retention, issue 14). */
  countQueuedBefore(cutoff: number): number {
    let n = 0;
    for (const session of this.sessions.values()) if (!session.connection) n += session.queuedBefore(cutoff);
    return n;
  }

  /** Removes up to `limit` of them (each session's oldest first); returns how many. */
  purgeQueuedBefore(cutoff: number, limit: number): number {
    let n = 0;
    for (const session of this.sessions.values()) {
      if (n >= limit) break;
      if (!session.connection) n += session.purgeQueuedBefore(cutoff, limit - n);
    }
    return n;
  }

  /** Disconnects a connected client (0x98 administrative action by default); the session stays. */
  disconnectClient(clientId: string, reasonCode = 0x98): boolean {
    const connection = this.connections.get(clientId);
    connection?.disconnect(reasonCode);
    return connection !== undefined;
  }

  /** Ends a session: subscriptions leave the router, queued messages go, a delayed will fires. */
  endSession(session: Session): void {
    session.expiryTimer?.cancel();
    for (const subscription of session.subscriptions.values()) this.router.remove(subscription);
    session.subscriptions.clear();
    if (this.sessions.get(session.clientId) === session) {
      this.sessions.delete(session.clientId);
      this.changed.delete(session);
      this.store.removeSession(session.clientId);
    }
    this.wills.fire(session.clientId);
    this.hooks.onSessionEnd?.(session.clientId);
  }

  /** Reports a fault to the onError hook; a throwing onError is ignored. */
  fault(error: unknown, where: string): void {
    try {
      this.hooks.onError?.(error, where);
    } catch {
      // nothing further to tell
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopRouting();
    // the sessions are stored as they are, wills included: they wait for the next start
    for (const session of this.sessions.values()) this.sessionChanged(session);
    this.saveChanged();
    this.saving = false;
    // MQTT 5 clients are told why (0x8B server shutting down)
    for (const connection of this.open) connection.disconnect(0x8b, false);
    for (const session of this.sessions.values()) session.expiryTimer?.cancel();
    this.wills.clear();
    await this.bus.close();
    await this.store.flush();
    await this.store.close();
  }

  private track(session: Session): void {
    const onBacklog = this.hooks.onBacklog;
    session.onChange = onBacklog
      ? () => {
        this.sessionChanged(session);
        onBacklog(session.clientId, session.backlog);
      }
      : () => this.sessionChanged(session);
    session.log = this.store; // its messages, one row each, while it is persistent
    const onDrop = this.hooks.onDrop;
    if (onDrop) session.onDrop = (reason) => onDrop(session.clientId, reason);
    const onDeliver = this.hooks.onDeliver;
    if (onDeliver) session.onSent = (outgoing) => onDeliver(session.clientId, outgoing.message, outgoing.qos);
  }

  private saveChanged(): void {
    for (const session of this.changed) {
      if (this.sessions.get(session.clientId) !== session || session.expiryInterval === 0) continue;
      try {
        this.store.saveSession(this.metaOf(session));
      } catch (error) {
        this.fault(error, 'persistence');
      }
    }
    this.changed.clear();
  }

  private metaOf(session: Session): SessionMeta {
    const state = session.meta();
    const will = session.connection ? this.connections.get(session.clientId)?.will : this.wills.pendingOf(session.clientId);
    if (will) state.will = will;
    return state;
  }

  private restoreSession(state: SessionState, now: number): void {
    const session = Session.restore(state, this.queueLimits);
    this.track(session);
    this.sessions.set(session.clientId, session);
    for (const subscription of session.subscriptions.values()) this.router.add(subscription);
    const since = state.disconnectedAt ?? now;
    session.disconnectedAt = since;
    const left = (seconds: number) => Math.max(0, seconds - (now - since) / 1000);
    const expiry = state.expiryInterval;
    if (state.will) this.wills.schedule(session.clientId, state.will, left(Math.min(state.will.delaySeconds, expiry)));
    if (expiry === UNLIMITED_EXPIRY) return;
    if (left(expiry) === 0) return this.endSession(session);
    session.expiryTimer = startTimer(left(expiry), () => this.expire(session));
  }

  private expire(session: Session): void {
    try {
      this.endSession(session);
    } catch (error) {
      this.fault(error, 'session expiry'); // the session is gone from the engine either way
    }
  }

  private route(message: EngineMessage): void {
    const online = (clientId: string) => this.connections.has(clientId);
    const deliveries = this.router.route(message, online);
    this.routed += deliveries.length;
    for (const delivery of deliveries) {
      // the onDeliver hook hears of it once it is written to the client (Session.onSent)
      this.sessions.get(delivery.clientId)?.deliver({ message, qos: delivery.qos, retain: delivery.retain, subscriptionIds: delivery.subscriptionIds });
    }
  }

  private async publishWill(will: PendingWill): Promise<void> {
    const message = { ...will.message };
    if (will.expirySeconds !== undefined) message.expiresAt = Date.now() + will.expirySeconds * 1000;
    const verdict = (await this.hooks.authorizePublish?.(undefined, message)) ?? 0;
    if (verdict === 0) this.publish(message);
  }

  /** The end of a connection: the will, then the session's expiry [MQTT-3.1.2-25, 4.1.0-2]. */
  private connectionClosed(connection: Connection, reasonCode: number, withWill: boolean): void {
    this.open.delete(connection);
    if (!connection.established) return;
    const { session, clientId } = connection;
    const current = this.connections.get(clientId) === connection;
    if (current) this.connections.delete(clientId);
    this.hooks.onDisconnect?.(connection.info, reasonCode);
    if (!session || session.connection !== connection) return;
    session.connection = undefined;
    session.disconnectedAt = Date.now();
    this.sessionChanged(session);
    const expiry = session.expiryInterval;
    if (withWill && connection.will) {
      // [MQTT-3.1.2-8] the will waits for the smaller of its delay and the session's expiry
      this.wills.schedule(clientId, connection.will, Math.min(connection.will.delaySeconds, expiry));
    }
    if (expiry === 0) this.endSession(session);
    else if (expiry !== UNLIMITED_EXPIRY) session.expiryTimer = startTimer(expiry, () => this.expire(session));
  }
}
