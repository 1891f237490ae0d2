import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Aedes } from 'aedes';
import MemoryPersistence from 'aedes-persistence/asyncPersistence.js';
import mqttPacket from 'mqtt-packet';
import type { Logger } from 'pino';
import { FEED_USERNAME, NEVER_EXPIRES, topicFilterProblem, topicMatches } from '@mqdash/contracts';
import type { SessionRegistry } from '../registry/registry.ts';
import type { LiveSession } from '../registry/live-session.ts';
import type { PublishPacket } from '../messaging/payload.ts';
import {
  PROTOCOL_MAX_PACKET, Reason, TOKEN_EXPIRED, allowEveryClient, atExpiry, revokeMatching,
  type BrokerEngine, type ConnectedClient, type ClientAuthenticator, type ConnectVerdict, type DisconnectOptions, type PublishListener, type SubscriptionRequest, type TrafficCounters,
} from './broker-engine.ts';
import { BacklogCounter, countBacklog, type PersistenceLike } from './backlog.ts';
import type { QueuePurge, WriteAhead } from '../persistence/sqlite-persistence.ts';
import { willPacket, type WillSettings } from './will.ts';
import { applyConnectOverrides } from './connect-overrides.ts';
import { connectSettings, normalizeIp, recordRefusal } from './connect-facts.ts';
import { certificateUsernameOf } from './listeners.ts';
import { noEngineStats, protocolLabel, type ConnectionLabels, type EngineStats, type RefusalReason } from './stats-hooks.ts';
import { allowEverything, type AccessConnection, type AccessHooks } from '../access/types.ts';

const LIVE = Symbol('mqdash.live');
const CONNECT = Symbol('mqdash.connect');
const ADMIN = Symbol('mqdash.admin');
const END_REASON = Symbol('mqdash.endReason');
/** The MQTT account a client authenticated with; null for anonymous (and unchecked) clients. */
const ACCOUNT = Symbol('mqdash.account');
const GRANT = Symbol('mqdash.grant');
/** The labels a connection was counted under (EngineStats.connected), so its end is counted once, the same way. */
const COUNTED = Symbol('mqdash.counted');
/** The connection's handle for the topic permission checks (access/types.ts), set once authenticated. */
const ACCESS = Symbol('mqdash.access');

export { Reason, allowEveryClient, type ClientAuthenticator, type ConnectOrigin, type ConnectVerdict, type ConnectedClient, type TrafficCounters } from './broker-engine.ts';

/** The aedes client fields this module reads and writes. */
type AedesClient = {
  id: string;
  version: number | null;
  will?: unknown;
  _will?: unknown;
  closed?: boolean;
  connected?: boolean;
  sessionExpiryInterval?: number;
  clean?: boolean;
  subscriptions: Record<string, unknown>;
  disconnect(opts: { reasonCode?: number; properties?: Record<string, unknown> }, done?: () => void): void;
  close(done?: () => void): void;
  subscribe(subs: unknown, done: (err?: Error | null) => void): void;
  unsubscribe(packet: unknown, done: (err?: Error | null) => void): void;
  [LIVE]?: LiveSession;
  [ADMIN]?: string;
  [END_REASON]?: string;
  [ACCOUNT]?: string | null;
  [COUNTED]?: ConnectionLabels;
  [ACCESS]?: AccessConnection;
  /** Issue 12: let in by a JWT or the HTTP auth hook (no stored account), and its token's expiry. */
  [GRANT]?: { external: boolean; expiresAt?: number; expiry?: { cancel(): void } };
  _disconnected?: boolean;
  disconnectReasonCode?: number | null;
  [CONNECT]?: { username: string | null; keepalive: number; settings: Record<string, unknown> };
  conn: Duplex & { remoteAddress?: string; remotePort?: number };
  req?: IncomingMessage;
  _serverKeepAlive?: number;
};

export interface EngineOptions {
  registry: SessionRegistry;
  log: Logger;
  /** An aedes persistence; in-memory by default. Its outgoing queue is decorated to count backlogs. */
  persistence?: PersistenceLike;
  /**
   * The write-ahead step of a durable persistence (DESIGN §8): a client's QoS>0 PUBLISH is on disk
   * before aedes acknowledges it; what was acknowledged but never queued is replayed at start.
   */
  writeAhead?: WriteAhead;
  /** Largest MQTT packet accepted, bytes (MQTT 5: advertised in CONNACK). */
  maximumPacketSize: number;
  /** Highest keep-alive an MQTT 5 client gets; larger or 0 is replaced by Server Keep Alive. 0: off. */
  keepAliveLimit: number;
  /** Topic aliases an MQTT 5 client may use towards the broker. */
  topicAliasMaximum: number;
  /**
   * A client whose socket stays unwritable (it stopped reading) this long is disconnected, so a
   * slow consumer cannot pile up unsent packets in memory (aedes `drainTimeout`). 0: never. Default 60 s.
   */
  drainTimeoutMs?: number;
  /**
   * Checks the password of a connection that logs in as the feed user (DESIGN §5): returns the
   * administrator it was issued to, or null for a forged or expired token.
   */
  verifyFeedToken?: (token: string) => string | null;
  /**
   * Decides every other CONNECT by its user name and password (issue 6: MQTT client accounts,
   * anonymous access switchable off). Default: allowEveryClient.
   */
  clientAuth?: ClientAuthenticator;
  /** Per-connection and per-message accounting (Prometheus metrics). Default: noEngineStats. */
  stats?: EngineStats;
  /** The ban list and topic permissions (issue 12, access/types.ts). Default: allowEverything. */
  access?: AccessHooks;
}

const isSys = (topic: string) => topic.startsWith('$SYS');

/** The refusal a CONNACK return code stands for (DESIGN §8: aedes maps 3/4/5 to 0x88/0x86/0x87 for MQTT 5). */
const refusalOf = (returnCode: 3 | 4 | 5): RefusalReason =>
  returnCode === 3 ? 'server_unavailable' : returnCode === 4 ? 'bad_username_or_password' : 'not_authorized';

/** The highest QoS granted by the client's subscriptions that match the topic (0 when none). */
function grantedQos(subscriptions: Record<string, { qos?: number }>, topic: string): number {
  let max = 0;
  for (const filter in subscriptions) {
    const qos = subscriptions[filter]?.qos ?? 0;
    if (qos > max && topicMatches(filter, topic)) max = qos;
    if (max === 2) break;
  }
  return max;
}

/**
 * The MQTT engine: aedes wrapped, never forked. Its hooks and events feed the session registry and
 * the stats (DESIGN §3); preConnect refuses banned clients and names owned by MQ API sessions.
 */
export class Engine implements BrokerEngine {
  readonly kind = 'aedes' as const;
  readonly aedes: Aedes;
  readonly backlog: BacklogCounter;
  readonly counters: TrafficCounters = { in: 0, out: 0 };
  private writeAhead: WriteAhead | null = null;
  /** The durable persistence's queues, for retention (none in memory: tests and benchmarks). */
  private queues: QueuePurge | null = null;
  /**
   * Resolves once the durable persistence's stored state is loaded, restored and its write-ahead
   * replayed (at once without one). With loadInBackground that is after listening (issue 14):
   * MQTT calls wait for it, so nothing is lost; tests and the readiness check await it.
   */
  restored: Promise<void> = Promise.resolve();

  private constructor(aedes: Aedes, backlog: BacklogCounter) {
    this.aedes = aedes;
    this.backlog = backlog;
  }

  get maximumPacketSize(): number {
    return (this.aedes as unknown as { maximumPacketSize?: number }).maximumPacketSize || PROTOCOL_MAX_PACKET;
  }

  get maxTopicLevels(): number {
    return (this.aedes as unknown as { maxTopicLevels?: number }).maxTopicLevels ?? 100;
  }

  /** Open connections as aedes counts them (feed connections included). */
  connectedCount(): number {
    return (this.aedes as unknown as { connectedClients: number }).connectedClients;
  }

  isConnected(clientName: string): boolean {
    const client = this.client(clientName);
    return client !== undefined && !client.closed;
  }

  publish(packet: PublishPacket): Promise<void> {
    return new Promise<void>((resolve, reject) => this.aedes.publish(packet as never, (err?: Error) => (err ? reject(err) : resolve())));
  }

  onPublish(listener: PublishListener): () => void {
    const events = this.aedes as unknown as NodeJS.EventEmitter;
    const forward = (packet: PublishPacket, client: { id: string } | null) => listener(packet, client ? client.id : null);
    events.on('publish', forward);
    return () => events.off('publish', forward);
  }

  /**
   * A connected client's subscription (aedes' in-memory router) or a stored session's (the
   * persistence): aedes' internals are read here, in one place.
   */
  async hasSubscribers(topic: string): Promise<boolean> {
    const aedes = this.aedes as unknown as { mq: { _matcher?: { match(topic: string): unknown[] } }; persistence: { subscriptionsByTopic(topic: string): Promise<unknown[]> } };
    if ((aedes.mq._matcher?.match(topic).length ?? 0) > 0) return true;
    return (await aedes.persistence.subscriptionsByTopic(topic)).length > 0;
  }

  static async create(o: EngineOptions): Promise<Engine> {
    const { registry, log } = o;
    const backlog = new BacklogCounter((clientId, level) => registry.onBacklog(clientId, level));
    const persistence = countBacklog(o.persistence ?? (new MemoryPersistence() as unknown as PersistenceLike), backlog);
    // A durable persistence drops the oldest message of a full queue (its per-client limit): count it per session.
    if ('onDrop' in persistence) persistence.onDrop = (clientId: string, packet: Parameters<BacklogCounter['dropped']>[1]) => {
      backlog.dropped(clientId, packet);
      o.stats?.dropped('queue_full');
    };
    backlog.dropListener = (clientId) => registry.onDrop(clientId);
    const verifyFeedToken = o.verifyFeedToken ?? (() => null);
    const clientAuth = o.clientAuth ?? allowEveryClient;
    const writeAhead = o.writeAhead ?? null;
    const stats = o.stats ?? noEngineStats;
    const access = o.access ?? allowEverything;
    let counters: TrafficCounters = { in: 0, out: 0 };

    /** An MQTT client's CONNECT through the ClientAuthenticator; a refusal is recorded like a ban's. */
    const authenticateClient = (client: AedesClient, username: string | undefined, password: Buffer | undefined, done: (err: Error | null, ok?: boolean) => void) => {
      const answer = (verdict: ConnectVerdict) => {
        if (verdict.ok) {
          const identity = { clientId: client.id, username: verdict.username ?? username ?? null, account: verdict.account, ...(verdict.permissions && { permissions: verdict.permissions }) };
          // Issue 12: the client-id binding, once the user name is known to be this client's.
          const unbound = access.checkIdentity(identity);
          if (unbound) {
            recordRefusal(registry, log, client.id, username, unbound.reason);
            stats.refused('not_authorized');
            return done(Object.assign(new Error(unbound.reason), { returnCode: unbound.reasonCode === Reason.clientIdNotValid ? 2 : 5 }), false);
          }
          client[ACCOUNT] = verdict.account;
          client[GRANT] = { external: verdict.external === true, ...(verdict.expiresAt !== undefined && { expiresAt: verdict.expiresAt }) };
          client[ACCESS] = access.openConnection(identity);
          return done(null, true);
        }
        recordRefusal(registry, log, client.id, username, verdict.reason);
        stats.refused(refusalOf(verdict.returnCode));
        done(Object.assign(new Error(verdict.reason), { returnCode: verdict.returnCode }), false);
      };
      let verdict: ConnectVerdict | Promise<ConnectVerdict>;
      try {
        // Issue 12 (w/security): the address, for the sign-in limiter; the new engine passes it too.
        verdict = clientAuth.check(username, password, { clientId: client.id, remoteAddress: remoteAddressOf(client), certificateUsername: certificateUsernameOf(client.conn), protocolVersion: (client as { version?: number }).version });
      } catch (err) {
        verdict = Promise.reject(err);
      }
      // Most CONNECTs are decided without waiting (anonymous, cached): no promise hop for them.
      if (!(verdict instanceof Promise)) return answer(verdict);
      verdict.then(answer, (err: unknown) => {
        log.error({ err, clientName: client.id }, 'MQTT authentication failed');
        answer({ ok: false, returnCode: 3, reason: 'server unavailable: the credentials could not be checked' });
      });
    };

    if (writeAhead) {
      // Runs once the stored state is loaded, before any MQTT call is served (during setup, or after
      // listening with loadInBackground; issue 14). Sessions the registry ended while no engine
      // listened (expired while the broker was down) are dropped; restored queues are counted.
      // One query for every stored name, not one per stored session (issue 14: start-up < 1 s at 100,000).
      writeAhead.restoreWith(async () => {
        const known = registry.clientNames();
        for (const id of writeAhead.sessionIds()) if (!known.has(id)) await writeAhead.dropSession(id);
        for (const [clientId, packets] of writeAhead.queuedByClient()) {
          if (!known.has(clientId)) continue;
          backlog.restore(clientId, packets);
          registry.restoreBacklog(clientId, backlog.level(clientId));
        }
      });
    }

    const aedes = await Aedes.createBroker({
      persistence: persistence as never,
      maximumPacketSize: o.maximumPacketSize,
      topicAliasMaximum: o.topicAliasMaximum,
      drainTimeout: o.drainTimeoutMs ?? 60_000,
      // [MQTT-3.2.2.3.15] Response Information, returned when a client asks for it.
      responseInformation: (client: { id: string }) => `response/${client.id}/`,
      preConnect(client: AedesClient, packet: any, done: (err: Error | null, ok?: boolean) => void) {
        try {
          // Issue 12: the ban list (client id, user name, address) before anything else is done.
          // The dashboard's feed is exempt (an administrator's own address in a banned range); a
          // forged feed user is refused by authenticate, which checks its token.
          // TLS_CERT_CN_AS_USERNAME: the verified client certificate's CN is the user name, and the
          // certificate the credential (the CONNECT's user name and password are set aside).
          const certified = certificateUsernameOf(client.conn);
          if (certified !== undefined) {
            packet.username = certified;
            packet.password = undefined;
          }
          const banned = packet.username === FEED_USERNAME ? null
            : access.checkConnect({ clientId: packet.clientId, username: packet.username ?? null, remoteAddress: remoteAddressOf(client) });
          if (banned) recordRefusal(registry, log, packet.clientId, packet.username, banned);
          const refusal = banned ? { kind: 'banned' as const, reason: banned } : registry.admit(packet.clientId);
          if (refusal) {
            // aedes cannot send 0x8A Banned from authenticate (DESIGN §8): write the CONNACK here.
            const v5 = packet.protocolVersion === 5;
            const connack = v5
              ? { cmd: 'connack', sessionPresent: false, reasonCode: refusal.kind === 'banned' ? Reason.banned : Reason.clientIdNotValid, properties: { reasonString: refusal.reason } }
              : { cmd: 'connack', sessionPresent: false, returnCode: refusal.kind === 'banned' ? 5 : 2 };
            const buf = mqttPacket.generate(connack as never, { protocolVersion: v5 ? 5 : 4 });
            log.info({ clientName: packet.clientId, reason: refusal.reason }, 'connect refused');
            stats.refused(refusal.kind === 'banned' ? 'banned' : 'client_id_in_use');
            client.conn.write(buf, () => done(new Error(refusal.reason), false));
            return;
          }
          applyOverrides(client, packet, registry.overridesFor(packet.clientId), o.keepAliveLimit);
          client[CONNECT] = {
            username: packet.username ?? null,
            keepalive: client._serverKeepAlive ?? packet.keepalive ?? 0,
            settings: connectSettings(packet),
          };
          done(null, true);
        } catch (err) {
          log.error({ err }, 'preConnect failed');
          done(err as Error, false);
        }
      },
      authenticate(client: AedesClient, username: string | undefined, password: Buffer | undefined, done: (err: Error | null, ok?: boolean) => void) {
        if (username !== FEED_USERNAME) return authenticateClient(client, username, password, done);
        // The feed user is reserved: only a valid feed token gets in [DESIGN §5].
        const admin = password ? verifyFeedToken(password.toString('utf8')) : null;
        if (!admin) {
          const err = new Error('feed token is invalid or expired') as Error & { returnCode: number };
          err.returnCode = 4;
          log.info({ clientName: client.id }, 'feed connection refused: bad token');
          stats.refused('bad_username_or_password');
          return done(err, false);
        }
        client[ADMIN] = admin;
        done(null, true);
      },
      authorizePublish(client: AedesClient | null, packet: any, done: (err?: Error | null) => void) {
        if (client) {
          if (isSys(packet.topic)) return done(new Error('publishing under $SYS/ is not allowed'));
          // Issue 12 (w/security): a feed token is issued to viewers too, and a viewer never changes
          // state: the feed connection only reads. Publishing goes through publishMessagesToMq (operator).
          if (client[ADMIN] !== undefined) return done(new Error('the dashboard feed connection cannot publish'));
          const conn = client[ACCESS];
          const denied = conn ? access.checkPublish(conn, packet.topic) : null;
          if (denied) return denyPublish(client, packet, denied, done);
          counters.in++;
          stats.received(packet.qos ?? 0, packet.payload?.length ?? 0);
          const live = client[LIVE];
          if (live) registry.onPublish(live, packet.topic, Date.now());
          if (packet.retain) writeAhead?.notePublisher?.(packet, client.id, client[CONNECT]?.username ?? null);
          if (writeAhead && packet.qos > 0) return writeAhead.beforeAck(client.id, packet, done);
        }
        done(null);
      },
      authorizeSubscribe(client: AedesClient, sub: any, done: (err: Error | null, sub: unknown) => void) {
        // DESIGN §5: only admin feed connections may subscribe under $SYS/.
        if (isSys(sub.topic) && !client[ADMIN]) return done(null, null);
        // aedes checks "#" and emptiness but accepts "a+/b", where "+" is not a whole level
        // [MQTT-4.7.1-3]: a malformed SUBSCRIBE, so the connection is closed as for "a/#/b".
        const problem = topicFilterProblem(sub.topic);
        if (problem) return done(new Error(`topic filter ${JSON.stringify(sub.topic)}: ${problem}`), null);
        // Issue 12: a denied filter is answered 0x87 (MQTT 3.1.1: 0x80) in the SUBACK by aedes.
        const conn = client[ACCESS];
        if (conn && access.checkSubscribe(conn, sub.topic)) return done(null, null);
        done(null, sub);
      },
      authorizeForward(client: AedesClient, packet: any) {
        // DESIGN §5: $SYS/ is for admin feed connections only. Others cannot subscribe there, but
        // aedes hands retained messages to a '#' or '+/…' subscription against [MQTT-4.7.2-1].
        if (isSys(packet.topic)) {
          if (!client[ADMIN]) return null;
          // The admin feed is the broker talking to dashboards: not client traffic, not counted.
          return packet;
        }
        // [MQTT-3.3.2-5] An expired message is not delivered. aedes asks this hook before its own
        // expiry check when it empties an offline queue, so drop it here or it counts as delivered.
        if (packet.messageExpiry !== undefined && packet.messageExpiry <= Date.now()) {
          stats.expired();
          return null;
        }
        const live = client[LIVE];
        // A per-session maximumPacketSize set by alterMqSession is enforced on delivery (DESIGN §8).
        if (live?.maximumPacketSize && packet.payload && packet.payload.length + packet.topic.length + 7 > live.maximumPacketSize) {
          stats.dropped('too_large');
          return null;
        }
        counters.out++;
        if (live) registry.onDeliver(live, Date.now());
        // [MQTT-3.8.4-8] QoS 2 to a subscription granted QoS 1: aedes lowers the QoS only for a
        // subscription whose filter is the topic itself, not for a wildcard one (DESIGN §8).
        let out = packet;
        if (packet.qos === 2 && !(client.subscriptions as Record<string, { qos?: number } | undefined>)[packet.topic]) {
          const granted = grantedQos(client.subscriptions as Record<string, { qos?: number }>, packet.topic);
          if (granted === 1) out = { ...packet, qos: 1 };
        }
        stats.sent(out.qos ?? 0, out.payload?.length ?? 0);
        return out;
      },
    } as never);

    const events = aedes as unknown as NodeJS.EventEmitter;
    events.on('client', (client: AedesClient) => {
      const facts = client[CONNECT];
      const sock = (client.req?.socket ?? client.conn) as { remoteAddress?: string; remotePort?: number };
      const version = client.version ?? 4;
      const expiry = version === 5 ? (client.sessionExpiryInterval ?? 0) : client.clean ? 0 : NEVER_EXPIRES;
      try {
        client[LIVE] = registry.onConnect({
          clientName: client.id,
          protocolVersion: version,
          username: facts?.username ?? null,
          ipAddress: normalizeIp(sock.remoteAddress),
          port: sock.remotePort ?? null,
          keepAlive: facts?.keepalive ?? 0,
          sessionExpiry: expiry >= 0xffffffff ? NEVER_EXPIRES : expiry,
          // DESIGN §3: permanent means never expires; MQTT 3.1.1 clean sessions and MQTT 5 finite expiries are temporary.
          temporary: expiry < 0xffffffff,
          // The listener is kept for the EMQX API's `listener` (tcp:default / ws:default).
          settings: { ...facts?.settings, listener: client.req ? 'ws' : 'tcp' },
          client,
          admin: client[ADMIN] !== undefined,
        });
      } catch (err) {
        log.error({ err, clientName: client.id }, 'registry failed to record a connect');
      }
      client[COUNTED] = { listener: client.req ? 'ws' : 'tcp', protocol: protocolLabel(version) };
      stats.connected(client[COUNTED]);
    });
    events.on('keepaliveTimeout', (client: AedesClient) => {
      client[END_REASON] = 'keep-alive timeout';
    });
    events.on('clientDisconnect', (client: AedesClient) => {
      client[GRANT]?.expiry?.cancel();
      // aedes emits this once for every client it announced with 'client' (registerClient/unregisterClient).
      const counted = client[COUNTED];
      if (counted) {
        client[COUNTED] = undefined;
        stats.disconnected(counted);
      }
      try {
        registry.onDisconnect(client, endReason(client));
      } catch (err) {
        log.error({ err, clientName: client.id }, 'registry failed to record a disconnect');
      }
    });
    events.on('subscribe', (subs: any[], client: AedesClient) => {
      if (client?.[LIVE]) registry.onSubscribe(client, subs);
    });
    events.on('unsubscribe', (topics: string[], client: AedesClient) => {
      if (client?.[LIVE]) registry.onUnsubscribe(client, topics);
    });
    events.on('clientError', (client: AedesClient, err: Error) => log.debug({ clientName: client?.id, err: err.message }, 'client error'));
    events.on('connectionError', (_client: AedesClient, err: Error) => log.debug({ err: err.message }, 'connection error'));

    const engine = new Engine(aedes, backlog);
    if (writeAhead) {
      // Acknowledged messages that were never queued: published once the state is restored, first
      // in line (the MQTT calls waiting for the state resume after this continuation).
      engine.restored = writeAhead.ready().then(async () => {
        const replayed = await writeAhead.replay((p) => new Promise((resolve, reject) => aedes.publish(p as never, (err?: Error) => (err ? reject(err) : resolve()))));
        if (replayed) log.info({ replayed }, 'acknowledged messages replayed from the write-ahead table');
      });
      // Loading in the background: the caller awaits `restored` (or not); a failure is logged here too.
      engine.restored.catch((err: unknown) => log.error({ err }, 'the stored MQTT state could not be loaded'));
      // Loaded during setup: replayed before the engine is handed out, as before.
      if (!writeAhead.loadsInBackground) await engine.restored;
    }
    engine.writeAhead = writeAhead;
    if (typeof (persistence as Partial<QueuePurge>).purgeQueuedBefore === 'function') engine.queues = persistence as unknown as QueuePurge;
    counters = engine.counters;
    registry.on('removed', (clientName: string) => engine.wipe(clientName));
    // An account disabled (or anonymous access switched off) while a client was between its
    // authentication and its registration would slip past the sweep of connected clients: check again.
    events.on('client', (client: AedesClient) => {
      const grant = client[GRANT];
      if (client[ADMIN] === undefined && !grant?.external && !clientAuth.admits(client[ACCOUNT] ?? null))
        void engine.disconnect(client.id, { reasonCode: Reason.notAuthorized, dropWill: true, reason: 'MQTT access revoked while connecting' });
      // Issue 12: a JWT client is disconnected when its token expires (0x87, will dropped), as on the own engine.
      if (grant?.expiresAt !== undefined) grant.expiry = atExpiry(grant.expiresAt, () => {
        if (!client.closed) void engine.disconnect(client.id, { reasonCode: Reason.notAuthorized, dropWill: true, reason: TOKEN_EXPIRED });
      });
    });
    return engine;
  }

  /** Messages queued for MQTT sessions and not yet acknowledged (offline queues plus in flight; see BacklogCounter). */
  queuedMessages(): number {
    return this.backlog.total();
  }

  countQueuedBefore(cutoff: number): number {
    return this.queues?.countQueuedBefore(cutoff, (id) => this.isConnected(id)) ?? 0;
  }

  purgeQueuedBefore(cutoff: number, limit: number): number {
    const removed = this.queues?.purgeQueuedBefore(cutoff, limit, (id) => this.isConnected(id)) ?? [];
    for (const { clientId, packet } of removed) this.backlog.cleared(clientId, packet);
    return removed.length;
  }

  /**
   * Retained messages held: the durable persistence keeps a count; aedes' in-memory one hides its
   * map, so its retained stream is counted (used without a database only: tests, benchmarks).
   */
  async retainedMessages(): Promise<number> {
    const p = (this.aedes as unknown as { persistence: { retainedCount?: number; createRetainedStream(pattern: string): AsyncIterable<unknown> } }).persistence;
    if (typeof p.retainedCount === 'number') return p.retainedCount;
    let n = 0;
    for await (const _ of p.createRetainedStream('#')) n++;
    return n;
  }

  /** Accepts a connection (TCP socket or WebSocket stream). */
  handle(stream: Duplex, req?: IncomingMessage): void {
    this.aedes.handle(stream as never, req as never);
  }

  /** The aedes client (tests and this module only). */
  client(clientName: string): AedesClient | undefined {
    return (this.aedes as unknown as { clients: Record<string, AedesClient> }).clients[clientName];
  }

  /**
   * Ends a client's connection. MQTT 5 clients get a DISCONNECT with the reason code (0x98
   * Administrative action by default). With `dropWill` the will is discarded first, so it is not
   * published (kick, ban, delete); without, it is published as for any unclean end.
   */
  disconnect(clientName: string, opts: DisconnectOptions = {}): Promise<boolean> {
    const client = this.client(clientName);
    if (!client || client.closed) return Promise.resolve(false);
    client[END_REASON] = opts.reason ?? 'disconnected by an administrator';
    if (opts.dropWill) {
      client.will = null;
      client._will = null;
    }
    return whenConnected(client).then(() => new Promise((resolve) => client.disconnect({ reasonCode: opts.reasonCode ?? Reason.administrativeAction }, () => resolve(true))));
  }

  /**
   * Connected MQTT clients with the account each authenticated as (null: anonymous or unchecked);
   * the dashboard's feed connections are not clients here.
   */
  connectedClients(): ConnectedClient[] {
    const out: ConnectedClient[] = [];
    for (const client of Object.values((this.aedes as unknown as { clients: Record<string, AedesClient> }).clients))
      if (!client.closed && client[ADMIN] === undefined)
        out.push({ clientName: client.id, account: client[ACCOUNT] ?? null, username: client[CONNECT]?.username ?? null, ipAddress: remoteAddressOf(client) });
    return out;
  }

  /**
   * Disconnects the clients whose account no longer admits them (disabled, deleted, anonymous
   * access off): MQTT 5 clients are told 0x87 Not authorized; wills are discarded, since the
   * broker no longer publishes for them. Returns how many were disconnected.
   */
  revokeAccess(match: (account: string | null) => boolean, reason: string): Promise<number> {
    return revokeMatching(this, match, reason);
  }

  /** Replaces a connected client's will (alterMqSession); null removes it. */
  setWill(clientName: string, settings: WillSettings): void {
    const client = this.client(clientName);
    if (!client || client.closed) return;
    const will = willPacket(settings, client.version ?? 4);
    client.will = will ?? null;
    client._will = will ?? null;
    const persistence = (this.aedes as any).persistence;
    if (will) persistence.putWill(client, will).catch(() => {});
    else persistence.delWill({ id: clientName, brokerId: this.aedes.id }).catch(() => {});
  }

  /**
   * Subscribes a session on its behalf: through the live connection when connected (so aedes
   * delivers at once and stores it for a persistent session), else in the persistence, so the
   * stored session has it when the client comes back.
   */
  async subscribe(clientName: string, subs: SubscriptionRequest[]): Promise<'live' | 'stored'> {
    const client = this.client(clientName);
    if (client && !client.closed) {
      await new Promise<void>((resolve, reject) => client.subscribe({ subscriptions: subs }, (err) => (err ? reject(err) : resolve())));
      return 'live';
    }
    await (this.aedes as any).persistence.addSubscriptions({ id: clientName }, subs);
    return 'stored';
  }

  /** DESIGN §8: an unsubscribe without a messageId leaves the stored subscription, so remove it there too. */
  async unsubscribe(clientName: string, topics: string[]): Promise<'live' | 'stored'> {
    const client = this.client(clientName);
    const persistence = (this.aedes as any).persistence;
    if (client && !client.closed) {
      await new Promise<void>((resolve, reject) => client.unsubscribe({ unsubscriptions: topics }, (err) => (err ? reject(err) : resolve())));
      await persistence.removeSubscriptions(client, topics);
      return 'live';
    }
    await persistence.removeSubscriptions({ id: clientName }, topics);
    return 'stored';
  }

  /** Removes the MQTT protocol state of a session that is gone (subscriptions, queue, will). */
  wipe(clientName: string): void {
    const p = (this.aedes as any).persistence;
    const fake = { id: clientName };
    Promise.resolve()
      .then(() => p.cleanSubscriptions(fake))
      .then(() => p.delWill({ id: clientName, brokerId: this.aedes.id }))
      .then(async () => {
        for await (const packet of p.outgoingStream(fake)) await p.outgoingClearMessageId(fake, packet);
      })
      .catch(() => {})
      .finally(() => this.backlog.forget(clientName));
  }

  /** Closes aedes, then writes what the durable persistence still has pending. */
  close(): Promise<void> {
    return new Promise<void>((resolve) => this.aedes.close(() => resolve())).then(() => this.writeAhead?.destroy());
  }
}

/** Why a connection ended, in words, for the events feed and the session timeline. */
function endReason(client: AedesClient): string {
  if (client[END_REASON]) return client[END_REASON];
  if (client._disconnected) return 'client sent DISCONNECT';
  if (client.disconnectReasonCode) return `closed by the server (reason 0x${client.disconnectReasonCode.toString(16)})`;
  return 'connection lost';
}

/**
 * aedes sets `connected` only after the CONNACK and the offline queue are written, and writes a
 * DISCONNECT only to a `connected` client: a disconnect in that window would close an MQTT 5
 * client without telling it why (0x98). Waits for the end of the connect (or of the connection).
 */
function whenConnected(client: AedesClient): Promise<void> {
  const c = client as AedesClient & NodeJS.EventEmitter & { connecting?: boolean };
  if (c.connected || !c.connecting) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      c.off('connected', done);
      c.conn.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, 2000);
    c.once('connected', done);
    c.conn.once('close', done);
  });
}

const remoteAddressOf = (client: AedesClient): string | null =>
  normalizeIp(((client.req?.socket ?? client.conn) as { remoteAddress?: string }).remoteAddress);

/**
 * A PUBLISH the topic permissions deny (issue 12). MQTT 5: aedes answers QoS 1/2 with PUBACK/PUBREC
 * 0x87 and drops QoS 0. MQTT 3.1.1 has no reason codes and aedes would close the connection;
 * instead it is acknowledged as usual and not published [MQTT-3.3.5-2].
 */
function denyPublish(client: AedesClient, packet: any, reason: string, done: (err?: Error | null) => void): void {
  if (client.version === 5) return done(new Error(reason));
  packet._notAuthorized = true;
  if (packet.qos > 0) mqttPacket.writeToStream({ cmd: packet.qos === 1 ? 'puback' : 'pubrec', messageId: packet.messageId } as never, client.conn, { protocolVersion: client.version ?? 4 });
  done(null);
}

/**
 * Applies what an administrator set with alterMqSession to the CONNECT before aedes reads it
 * (DESIGN §3: properties fixed at CONNECT take effect at the client's next connection).
 */
function applyOverrides(client: AedesClient, packet: any, o: Record<string, unknown> | null, keepAliveLimit: number): void {
  const v5 = packet.protocolVersion === 5;
  const keepAlive = applyConnectOverrides(packet, o);
  // MQTT 5 is told through Server Keep Alive; a 3.1.1 client's timer is simply held to it.
  if (v5 && keepAlive !== undefined) client._serverKeepAlive = keepAlive;
  // MQTT 5 Server Keep Alive: a keep-alive of 0 or above the limit is replaced (DESIGN §8: 3.1.1 is left alone).
  if (v5 && keepAliveLimit > 0 && client._serverKeepAlive === undefined && (!packet.keepalive || packet.keepalive > keepAliveLimit))
    client._serverKeepAlive = keepAliveLimit;
}
