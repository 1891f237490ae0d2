import fs from 'node:fs';
import path from 'node:path';
import type { Server as HttpServer } from 'node:http';
import type net from 'node:net';
import type tls from 'node:tls';
import { pino, type Logger } from 'pino';
import { SessionEventLog } from './history/session-event-log.ts';
import { ErrorCode, type ResponseEnvelope } from '@mqdash/contracts';
import { actions, runAction, type BrokerCore, type CallerContext } from './actions/index.ts';
import { AuditLog } from './audit.ts';
import { applyApiKeyBootstrapFile } from './auth/api-key-bootstrap.ts';
import { ApiKeys } from './auth/api-keys.ts';
import { DeviceAuthenticator, type DeviceAuthOptions } from './auth/device-auth.ts';
import { MqttUsers } from './auth/mqtt-users.ts';
import { AuthService } from './auth/auth.ts';
import { ensureAdminAccount } from './auth/bootstrap.ts';
import { FirstStart } from './auth/first-start.ts';
import { SignInLimiter, signInTarget, type FailedSignIn, type SignInLimits } from './auth/sign-in-limiter.ts';
import { Engine, type EngineOptions } from './engine/engine.ts';
import { parseOverloadLimits, type OverloadLimits } from './engine/overload-limits.ts';
import type { BrokerEngine } from './engine/broker-engine.ts';
import { MqdashBrokerEngine } from './engine/mqdash-broker-engine.ts';
import { resolveEngineKind, type EngineKind } from './engine/engine-kind.ts';
import { AccessControl } from './access/access-control.ts';
import { BanStore, TopicPermissionStore } from './store/access-store.ts';
import { AlertRules, type AlertRulesOptions } from './alerts/alert-rules.ts';
import { AlertRuleStore } from './store/alert-rule-store.ts';
import type { PersistenceLike } from './engine/backlog.ts';
import { AdminFeed } from './feed/admin-feed.ts';
import { Backups } from './backup/backups.ts';
import { databaseFile } from './backup/restore.ts';
import { Readiness, sqliteWriteProbe } from './health/readiness.ts';
import { queuedMessagesLog, Retention, type RetentionOptions } from './retention/retention.ts';
import { FeedTokens } from './feed/feed-tokens.ts';
import { attachWebSocket, listenTcp, listenTls, type TlsListenerOptions, type WebSocketOptions } from './engine/listeners.ts';
import { Messaging, resolveMessagingOptions, type MessagingOptions } from './messaging/messaging.ts';
import { DEFAULT_MAX_QUEUED_PER_CLIENT, SqlitePersistence, type SqlitePersistenceOptions } from './persistence/sqlite-persistence.ts';
import type { RetainedMessages } from './persistence/retained-messages.ts';
import { SessionRegistry } from './registry/registry.ts';
import { ApiKeyStore } from './store/api-key-store.ts';
import { MqttUserStore } from './store/mqtt-user-store.ts';
import { SqliteSignInAttemptStore } from './store/sign-in-attempt-store.ts';
import { SavedViewStore } from './store/saved-view-store.ts';
import { EmqxClientQueries } from './store/emqx-query.ts';
import { PRIVATE_DIR_MODE, securePrivateDir } from './store/file-modes.ts';
import { LabelStore } from './store/label-store.ts';
import { BrokerMetrics } from './metrics/metrics.ts';
import { brokerMetricsSources } from './metrics/sources.ts';
import { SqliteStore } from './store/sqlite-store.ts';
import { ClusterNode, defaultNodeName, parseClusterSettings } from './cluster/cluster-node.ts';
import { storageProblem } from './store/storage-errors.ts';
import type { Store } from './store/types.ts';

export interface BrokerOptions {
  /** Folder of the SQLite database (`mqdash.db`) and the initial admin password file. */
  dataDir: string;
  /** Overrides the database file (":memory:" for throwaway brokers). */
  databaseFile?: string;
  logger?: Logger;
  /** Password of the `admin` account when it is first created. */
  adminPassword?: string;
  mqtt?: Partial<Pick<EngineOptions, 'maximumPacketSize' | 'keepAliveLimit' | 'topicAliasMaximum' | 'persistence' | 'drainTimeoutMs'>> & {
    /**
     * MQTT protocol state (subscriptions, queued, in-flight and retained messages, wills) in the
     * database, and a QoS>0 PUBLISH acknowledged only once it is on disk (DESIGN §3, §8). Default
     * true; false keeps it in memory (lost on restart). Ignored when `persistence` is given.
     */
    durable?: boolean | SqlitePersistenceOptions;
    /**
     * Whether MQTT clients without a user name are accepted (MQTT_ALLOW_ANONYMOUS), default true.
     * Only a default: once an administrator changes it (alterMqttAuthSettings), the stored value wins.
     */
    allowAnonymous?: boolean;
    /**
     * Device authentication beyond passwords (issue 12): a JWT as the password (MQTT_JWT_*) and
     * the HTTP auth hook (MQTT_AUTH_HTTP_*), in front of the MQTT accounts (auth/device-auth.ts).
     */
    deviceAuth?: DeviceAuthOptions;
    /**
     * Which MQTT engine runs (MQDASH_ENGINE): `aedes` (default) or `mqdash`, the project's own
     * (issue 10). With `mqdash`, `persistence` does not apply, and its protocol
     * state is kept in its own tables of the database (in memory when `durable` is false).
     */
    engine?: EngineKind;
    /**
     * Overload limits of the own engine (`engine: 'mqdash'`), each 0 for none: maxConnections,
     * maxConnectRate, maxPublishRate, maxPublishBytesRate, maxSubscriptionsPerClient, maxQueuedBytes
     * (engine/overload-limits.ts; env MQTT_MAX_* in the README). Validated: a bad value stops the start.
     */
    limits?: OverloadLimits;
  };
  /** Timings of the admin feed (tests shorten them). */
  feed?: { batchMs?: number; overviewMs?: number; sampleMs?: number; tokenTtlMs?: number };
  auth?: { idleTimeoutMs?: number; maxLifetimeMs?: number };
  /**
   * API_KEY_BOOTSTRAP_FILE (DESIGN §2): `key:secret` lines applied at every start (missing keys
   * created, secrets updated). A bad file stops the start with an error naming the line.
   */
  apiKeyBootstrapFile?: string;
  /** Topic history and MQ API session queue limits (env TOPIC_HISTORY_LIMIT etc.; README). */
  messaging?: MessagingOptions;
  /** The retention policy's schedule and clock (tests run it on a clock of their own). */
  retention?: RetentionOptions;
  /** Free attempts and backoff of the sign-in limiter (issue 12); defaults in auth/sign-in-limiter.ts. */
  signInLimits?: Partial<SignInLimits>;
  /** Alert rules' evaluation period, clock and webhook timings (issue 13; ALERT_EVALUATE_SECONDS). */
  alerts?: AlertRulesOptions;
  /**
   * DATABASE_URL (issue 11): `postgres://…`. The own engine (mqdash) runs with its MQTT protocol
   * state (subscriptions, queued and in-flight messages, retained messages, wills) in PostgreSQL.
   * The registry and the other stores stay in `dataDir`'s SQLite (per node, for now).
   */
  databaseUrl?: string;
  /** REDIS_URL (issue 11): `redis://…`: join a cluster (Redis bus between nodes, heartbeats). Needs `databaseUrl`. */
  redisUrl?: string;
  /** NODE_NAME (issue 11): this node's name in the cluster; default the host name and `:1883`. */
  nodeName?: string;
}

export const defaultMqttOptions = {
  maximumPacketSize: 1024 * 1024,
  keepAliveLimit: 3600,
  topicAliasMaximum: 1024,
};

/** The embedded broker: MQTT engine, session registry, store, auth and JSON actions. */
export class Broker {
  private readonly servers: net.Server[] = [];
  private closed = false;

  constructor(readonly core: BrokerCore) {}

  get store(): Store { return this.core.store; }
  get registry(): SessionRegistry { return this.core.registry; }
  get engine(): BrokerEngine { return this.core.engine; }
  get auth(): AuthService { return this.core.auth; }
  /** API keys of the EMQX-compatible API: create, verify (cached), disable, delete. */
  get apiKeys(): ApiKeys { return this.core.apiKeys; }
  /** MQTT client accounts and the allowAnonymous setting (issue 6). */
  get mqttUsers(): MqttUsers { return this.core.mqttUsers; }
  /** The one limiter of failed sign-ins at every door (issue 12); `clearLockout(account)`. */
  get signInLimiter(): SignInLimiter { return this.core.signInLimiter; }
  /** The ban list and topic permissions (issue 12). */
  get access(): AccessControl { return this.core.access; }
  /** The alert rules and their evaluation (issue 13). */
  get alerts(): AlertRules { return this.core.alerts; }
  /** The indexed queries behind `GET /api/v5/clients`. */
  get emqxClients(): EmqxClientQueries { return this.core.emqxClients; }
  get log(): Logger { return this.core.log; }
  /**
   * Issue 13 "First start": the file this start generated `admin`'s password into (null when
   * ADMIN_PASSWORD was given or the account existed), and whether nobody has signed in since a
   * password was generated (the login page's hint).
   */
  get initialPasswordFile(): string | null { return this.core.initialPasswordFile; }
  get firstSignInPending(): boolean { return this.core.firstStart.pending; }
  /** The retained messages: list, describe, delete (issue 14); null without the durable persistence. */
  get retained(): RetainedMessages | null { return this.core.retained; }
  /** The sessions screen's saved views, per administrator account (issue 13). */
  get savedViews(): SavedViewStore { return this.core.savedViews; }
  /** What `GET /readyz` asks; more checks can be added (`readiness.add`). */
  get readiness(): Readiness { return this.core.readiness; }
  /** The Prometheus metrics (`GET /metrics`) and the traffic totals behind the EMQX stats routes. */
  get metrics(): BrokerMetrics { return this.core.metrics; }
  /** This node's name (NODE_NAME, or the host name and the MQTT port). */
  get nodeName(): string { return this.core.nodeName; }
  /** The PostgreSQL and Redis connections of a node with DATABASE_URL / REDIS_URL (issue 11); null otherwise. */
  get cluster(): ClusterNode | null { return this.core.cluster; }

  /** Runs one JSON action request in-process (`broker.actions.run`), timed by action name. */
  readonly actions = {
    run: async (request: unknown, caller: CallerContext = { source: 'internal' }): Promise<ResponseEnvelope> => {
      const started = performance.now();
      const response = await runAction(actions, this.core, request, caller);
      this.core.metrics.observeAction(knownAction(request), caller.source, response.errorCode === ErrorCode.success, (performance.now() - started) / 1000);
      return response;
    },
    names: (): string[] => [...actions.keys()],
  };

  async listenMqtt(port: number, host = '127.0.0.1'): Promise<net.Server> {
    const server = await listenTcp(this.engine, port, host);
    this.servers.push(server);
    return server;
  }

  /** MQTT over TLS (MQTTS_PORT); see listeners.ts listenTls. */
  async listenMqtts(port: number, host: string, o: TlsListenerOptions): Promise<tls.Server> {
    const server = await listenTls(this.engine, port, host, o);
    this.servers.push(server);
    return server;
  }

  attachWebSocket(httpServer: HttpServer, pathname = '/mqtt', maxPayload = defaultMqttOptions.maximumPacketSize + 1024, o: WebSocketOptions = {}): void {
    attachWebSocket(this.engine, httpServer, pathname, maxPayload, o);
  }

  /** Closes listeners, disconnects clients, flushes and closes the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.servers) s.close();
    this.core.feed.stop();
    this.core.alerts.stop();
    await this.core.retention.stop();
    await this.engine.close();
    await this.core.cluster?.close();
    this.core.messaging.close();
    this.registry.stop();
    this.auth.close();
    this.core.signInLimiter.close();
    this.store.close();
  }
}

export async function createBroker(o: BrokerOptions): Promise<Broker> {
  const log = o.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  // Bad limits in the environment stop the start before anything is opened.
  const messagingOptions = resolveMessagingOptions(o.messaging);
  const clusterSettings = parseClusterSettings({ databaseUrl: o.databaseUrl, redisUrl: o.redisUrl, nodeName: o.nodeName });
  const nodeName = clusterSettings.nodeName ?? defaultNodeName();
  const limits = parseOverloadLimits(o.mqtt?.limits);
  fs.mkdirSync(o.dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const store = new SqliteStore(o.databaseFile ?? databaseFile(o.dataDir));
  const startedAt = Date.now();
  let cluster: ClusterNode | null = null;
  const metrics = new BrokerMetrics();
  store.onWrite = (seconds) => metrics.observeStoreWrite('registry', seconds);
  try {
    // Issue 12: the folder 0700, mqdash's files in it 0600, however an older version left them.
    const tightened = securePrivateDir(o.dataDir);
    if (tightened.length) log.warn({ paths: tightened }, 'took group and other access from the data folder and its files');
    const registry = new SessionRegistry(store, log);
    const auth = new AuthService(store, {
      idleTimeoutMs: o.auth?.idleTimeoutMs ?? 60 * 60 * 1000,
      maxLifetimeMs: o.auth?.maxLifetimeMs ?? 12 * 60 * 60 * 1000,
    });
    const audit = new AuditLog(store);
    const signInLimiter = new SignInLimiter(new SqliteSignInAttemptStore(store.db), {
      limits: o.signInLimits,
      onFailure: (f) => recordFailedSignIn(audit, f),
      onError: (err, what) => log.error({ err }, `could not ${what}${storageProblem(err) ? `: ${storageProblem(err)}` : ''}`),
    });
    const firstStart = new FirstStart(store.db);
    const initialPasswordFile = await ensureAdminAccount(auth, o.dataDir, o.adminPassword, log, firstStart);
    const apiKeys = new ApiKeys(new ApiKeyStore(store.db));
    if (o.apiKeyBootstrapFile) await applyApiKeyBootstrapFile(apiKeys, o.apiKeyBootstrapFile, audit, log);
    const emqxClients = new EmqxClientQueries(store.db);
    registry.start();
    const feedTokens = new FeedTokens(o.feed?.tokenTtlMs);
    const { durable = true, allowAnonymous = true, engine: engineChoice, limits: _limits, deviceAuth, ...mqtt } = o.mqtt ?? {};
    const engineKind = resolveEngineKind(engineChoice, process.env);
    if (clusterSettings.databaseUrl && engineKind === 'aedes')
      throw new Error(`${engineChoice !== undefined ? 'mqtt.engine' : 'MQDASH_ENGINE'} "aedes" cannot run with ${clusterSettings.redisUrl ? 'REDIS_URL' : 'DATABASE_URL'}: only the own engine (mqdash) keeps its MQTT state in PostgreSQL; remove the setting or set it to mqdash`);
    cluster = clusterSettings.databaseUrl
      ? await ClusterNode.open({ ...clusterSettings, databaseUrl: clusterSettings.databaseUrl, nodeName }, { log })
      : null;
    const mqttUserStore = new MqttUserStore(store.db);
    const mqttUsers = new MqttUsers(mqttUserStore, allowAnonymous, signInLimiter);
    const clientAuth = await DeviceAuthenticator.create(mqttUsers, deviceAuth ?? {}, log);
    const access = new AccessControl(new BanStore(store.db), new TopicPermissionStore(store.db), mqttUserStore, { sessionOwner: (clientId) => registry.get(clientId)?.username });
    // Either engine's protocol state failing to write (a full disk): said in words, once per failed flush.
    const onMqttStateError = (err: Error) => log.error({ err }, `MQTT state could not be written${storageProblem(err) ? `: ${storageProblem(err)}; QoS>0 messages for persistent sessions are refused until it can` : ''}`);
    const mqttState = engineKind === 'aedes' && durable && !mqtt.persistence
      // Issue 14: listening does not wait for the stored subscriptions and queues (loadInBackground).
      ? new SqlitePersistence(store.db, { loadInBackground: true, ...(durable === true ? {} : durable), onCommit: (seconds) => metrics.observeStoreWrite('mqtt_state', seconds), onError: onMqttStateError })
      : undefined;
    const verifyFeedToken = (t: string) => feedTokens.verify(t);
    const engine: BrokerEngine = engineKind === 'mqdash'
      ? await MqdashBrokerEngine.create({
        registry, log, ...defaultMqttOptions, ...pick(mqtt, ['maximumPacketSize', 'keepAliveLimit', 'topicAliasMaximum', 'drainTimeoutMs']),
        ...(cluster ? { store: cluster.store, bus: cluster.bus, nodeName } : {}),
        ...(durable ? { db: store.db, onStoreCommit: (seconds: number) => metrics.observeStoreWrite('mqtt_state', seconds), onStoreError: onMqttStateError } : {}),
        // the same per-session queue limit as on aedes, its default included
        maxQueuedMessages: (typeof durable === 'object' ? durable.maxQueuedPerClient : undefined) ?? DEFAULT_MAX_QUEUED_PER_CLIENT,
        ...(typeof durable === 'object' && pick(durable, ['loadInBackground', 'loadSliceRows'])),
        verifyFeedToken, clientAuth, stats: metrics, access, limits,
      })
      : await Engine.create({
        registry, log, ...defaultMqttOptions, ...mqtt, ...(mqttState && { persistence: mqttState as unknown as PersistenceLike, writeAhead: mqttState }),
        verifyFeedToken, clientAuth, stats: metrics, access,
      });
    const feed = new AdminFeed(store, registry, engine, audit, log, { batchMs: 250, overviewMs: 5000, sampleMs: 60_000, ...o.feed });
    feed.start();
    new SessionEventLog(store, registry, log, () => registry.now()).start();
    const messaging = new Messaging(store.db, registry, engine, log, messagingOptions);
    messaging.start();
    metrics.setSources(brokerMetricsSources(store.db, engine, messaging.queues));
    // Temporary MQ API sessions end with the authToken that created them (DESIGN §3).
    auth.on('ended', (hash: string) => {
      for (const row of store.sessionsCreatedBy(hash)) if (row.temporary) registry.removeSession(row, 'creator authToken ended');
    });
    const readiness = new Readiness(log);
    readiness.add('database', sqliteWriteProbe(store.db));
    if (cluster) {
      cluster.addReadiness(readiness);
      await cluster.join({ log, connections: () => engine.connectedCount() });
      log.info({ event: 'cluster node', node: nodeName, redis: cluster.clustered }, cluster.clustered ? `joined the cluster as ${nodeName}` : 'MQTT state in PostgreSQL');
    }
    if (mqttState) {
      // Not ready (for a load balancer) while the stored MQTT state loads after listening (issue 14).
      readiness.add('mqtt state', () => {
        if (!mqttState.isOpen) throw new Error('the stored MQTT sessions are still loading');
      });
      void (engine as Engine).restored.then(() => log.info({ event: 'mqtt state loaded', loadMs: Math.round(mqttState.loadMs ?? 0) }, 'stored MQTT sessions loaded'), () => {});
    } else if (engine instanceof MqdashBrokerEngine) {
      // The own engine loads its stored sessions after listening too (issue 14), and is not ready
      // while it cannot write its state.
      readiness.add('mqtt state', () => {
        if (!engine.isRestored) throw new Error('the stored MQTT sessions are still loading');
        if (engine.storeFailure) throw new Error(`the MQTT state could not be written: ${storageProblem(engine.storeFailure) ?? engine.storeFailure.message}`);
      });
      void engine.restored.then(() => log.info({ event: 'mqtt state loaded', loadMs: Math.round(engine.loadMs ?? 0) }, 'stored MQTT sessions loaded'), () => {});
    }
    const backups = new Backups(store.db, path.join(o.dataDir, 'backups'));
    const retention = new Retention(store.db, registry, audit, log, o.retention);
    retention.addBoundedLog(queuedMessagesLog(engine));
    retention.start();
    const alerts = new AlertRules(new AlertRuleStore(store.db), {
      store, droppedTotal: () => Object.values(metrics.totals().dropped).reduce((a, b) => a + b, 0),
    }, audit, log, o.alerts);
    alerts.start();
    return new Broker({
      store, registry, engine, auth, audit, feed, feedTokens, apiKeys, mqttUsers, emqxClients, labels: new LabelStore(store.db), messaging, signInLimiter, access, readiness, backups, retention, metrics, log,
      firstStart, initialPasswordFile, savedViews: new SavedViewStore(store.db), alerts, nodeName, cluster, startedAt,
      retained: engine instanceof MqdashBrokerEngine ? engine.retained : (mqttState?.retainedMessages ?? null),
    });
  } catch (err) {
    await cluster?.close();
    store.close();
    throw err;
  }
}

/** The options of `o` named in `keys` that are set (undefined ones would override the defaults). */
function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** The action a request names, as a metric label: one the broker offers, else `unknown` (bounded label values). */
function knownAction(request: unknown): string {
  const name = (request as { action?: unknown } | null)?.action;
  return typeof name === 'string' && actions.has(name) ? name : 'unknown';
}

/** Attacker-chosen names (an MQTT user name can be 64 KiB) are clipped in the audit log. */
const clip = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);

/** Issue 12: every failed sign-in, at any door, in the audit log: the account tried, door, address, why. */
function recordFailedSignIn(audit: AuditLog, f: FailedSignIn): void {
  audit.record({
    actor: clip(f.account), action: 'signInFailed', target: signInTarget(f.realm, clip(f.account)), errorCode: ErrorCode.loginFailed,
    details: {
      source: f.door, realm: f.realm, remoteAddress: f.address, reason: clip(f.reason),
      ...(f.blockedForMs ? { blockedForSeconds: Math.ceil(f.blockedForMs / 1000) } : {}),
    },
  });
}
