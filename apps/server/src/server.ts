import http from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';
import path from 'node:path';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { pino, type Logger } from 'pino';
import { createBroker, defaultNodeName, type Broker } from '@mqdash/broker';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { hostPolicy, upgradeGuard, type TrustFn } from './http/host-check.ts';
import { httpsOptions, mqttsOptions, readTlsMaterial, type TlsMaterial } from './tls.ts';

export interface RunningServer {
  broker: Broker;
  /** The plain HTTP listener (PORT); throws when PORT=off. */
  http: http.Server;
  /** The MQTT over TCP listener (MQTT_PORT); throws when MQTT_PORT=off. */
  mqtt: NetServer;
  httpPort: number;
  mqttPort: number;
  /** Every listener, null when it is off (PORT=off, MQTT_PORT=off, MQTTS_PORT or HTTPS_PORT unset). */
  listeners: { http: http.Server | null; https: https.Server | null; mqtt: NetServer | null; mqtts: tls.Server | null };
  /** Their ports, null when off. */
  ports: { http: number | null; https: number | null; mqtt: number | null; mqtts: number | null };
  /**
   * Reads the TLS files again and gives the secure listeners the new certificate (SIGHUP): new
   * connections get it, open ones keep theirs. A file that cannot be used leaves the one in use
   * and is logged; resolves whether the reload took place (false also when TLS is not in use).
   */
  reloadTls(): boolean;
  close(): Promise<void>;
}

/** Where a browser on this machine reaches the dashboard: a wildcard address is reached through loopback. */
export function dashboardUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

/**
 * Issue 13 "First start": the `mqdash listening` line says in words where to go and how to sign
 * in; it names the password file only when this start generated the password into it.
 */
export function runningMessage(url: string, passwordFile: string | null): string {
  const file = passwordFile && (path.isAbsolute(passwordFile) || passwordFile.startsWith('.') ? passwordFile : `.${path.sep}${passwordFile}`);
  return `mqdash is running: open ${url} and sign in as admin${file ? ` (first password in ${file})` : ''}`;
}

/** Listens on `port`; resolves once listening. */
function listen(server: NetServer, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const portOf = (server: NetServer | null) => (server ? (server.address() as AddressInfo).port : null);

function required<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`${what} is off`);
  return value;
}

/**
 * Opens the store, starts the broker and serves HTTP (dashboard, APIs, MQTT over WebSocket), and,
 * when configured, HTTPS (the same, WebSocket at /mqtt) and MQTT over TLS (issue 12).
 */
/** The MQTT_JWT_* and MQTT_AUTH_HTTP_* settings as createBroker's `mqtt.deviceAuth` (issue 12). */
function deviceAuthOf(c: Config) {
  const jwt = c.mqttJwtSecret !== undefined || c.mqttJwtSecretFile !== undefined || c.mqttJwtJwksFile !== undefined;
  return {
    ...(jwt && { jwt: { secret: c.mqttJwtSecret, secretFile: c.mqttJwtSecretFile, jwksFile: c.mqttJwtJwksFile, usernameClaim: c.mqttJwtUsernameClaim, aclClaim: c.mqttJwtAclClaim } }),
    ...(c.mqttAuthHttpUrl !== undefined && { http: { url: c.mqttAuthHttpUrl, timeoutMs: c.mqttAuthHttpTimeoutMs, cacheSeconds: c.mqttAuthHttpCacheSeconds } }),
  };
}

export async function startServer(config: Config, log: Logger = pino({ level: config.logLevel })): Promise<RunningServer> {
  const secure = config.tlsCertFile !== undefined && config.tlsKeyFile !== undefined && (config.mqttsPort !== undefined || config.httpsPort !== undefined)
    ? { certFile: config.tlsCertFile, keyFile: config.tlsKeyFile, caFile: config.tlsCaFile }
    : null;
  // Bad TLS files stop the start before anything is opened, naming the variable.
  let material: TlsMaterial | null = secure && readTlsMaterial(secure);
  const broker = await createBroker({
    dataDir: config.dataDir, adminPassword: config.adminPassword, apiKeyBootstrapFile: config.apiKeyBootstrapFile, logger: log,
    mqtt: { drainTimeoutMs: config.mqttDrainTimeoutMs, durable: { maxQueuedPerClient: config.mqttMaxQueuedMessages }, allowAnonymous: config.mqttAllowAnonymous,
      deviceAuth: deviceAuthOf(config),
      limits: {
        maxConnections: config.mqttMaxConnections, maxConnectRate: config.mqttMaxConnectRate, maxPublishRate: config.mqttMaxPublishRate,
        maxPublishBytesRate: config.mqttMaxPublishBytesRate, maxSubscriptionsPerClient: config.mqttMaxSubscriptionsPerClient, maxQueuedBytes: config.mqttMaxQueuedBytes,
      },
    },
    alerts: { evaluateMs: Math.round(config.alertEvaluateSeconds * 1000) },
    databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, nodeName: config.nodeName ?? defaultNodeName(config.mqttPort ?? config.mqttsPort ?? 1883),
  });
  const hosts = hostPolicy(config.host, config.allowedHosts);
  const app = createApp(broker, {
    maxBodyBytes: config.maxBodyBytes, trustProxy: config.trustProxy, hosts, metricsAllow: config.metricsAllow,
    // EMQX's `node`: NODE_NAME on a named or clustered node; the single-node default keeps `mqdash@<host>`.
    ...((config.nodeName !== undefined || config.databaseUrl !== undefined) && { nodeName: broker.nodeName }),
  });
  const httpOptions: http.ServerOptions = {
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    // Node enforces both timeouts only when it checks its connections (every 30 s by default), so
    // a slow client could hold a connection far past them; check at least twice per headers timeout.
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(config.headersTimeoutMs / 2))),
  };
  /** An HTTP(S) server of the app, with MQTT over WebSocket at /mqtt. */
  const serve = <S extends http.Server>(server: S): S => {
    server.keepAliveTimeout = 5_000;
    // Upgrades bypass Express: the same Host rule, and browsers' Origin (issue 12: DNS rebinding, cross-site WebSocket).
    broker.attachWebSocket(server, '/mqtt', undefined, { verifyUpgrade: upgradeGuard(hosts, app.get('trust proxy fn') as TrustFn) });
    return server;
  };
  const httpServer = config.port === null ? null : serve(http.createServer(httpOptions, app));
  // HTTPS: req.secure is true, so the session cookie is Secure (bff auth-router).
  const httpsServer = config.httpsPort === undefined || !material ? null : serve(https.createServer({ ...httpOptions, ...httpsOptions(material) }, app));
  const webServers = [httpServer, httpsServer].filter((s): s is http.Server => s !== null);
  try {
    const mqtt = config.mqttPort === null ? null : await broker.listenMqtt(config.mqttPort, config.host);
    const mqtts = config.mqttsPort === undefined || !material ? null
      : await broker.listenMqtts(config.mqttsPort, config.host, { secure: mqttsOptions(material, config.tlsClientCert), certificateUsername: config.tlsCertCnAsUsername });
    if (httpServer) await listen(httpServer, config.port!, config.host);
    if (httpsServer) await listen(httpsServer, config.httpsPort!, config.host);
    const listeners = { http: httpServer, https: httpsServer, mqtt, mqtts };
    broker.readiness.add('listeners', () => {
      for (const [name, server] of Object.entries(listeners)) if (server && !server.listening) throw new Error(`the ${name.toUpperCase()} listener is closed`);
    });
    const ports = { http: portOf(httpServer), https: portOf(httpsServer), mqtt: portOf(mqtt), mqtts: portOf(mqtts) };
    const url = ports.http !== null ? dashboardUrl(config.host, ports.http)
      : ports.https !== null ? dashboardUrl(config.host, ports.https).replace(/^http:/, 'https:') : null;
    log.info({
      event: 'mqdash listening', host: config.host, httpPort: ports.http, mqttPort: ports.mqtt,
      ...(ports.https !== null ? { httpsPort: ports.https } : {}), ...(ports.mqtts !== null ? { mqttsPort: ports.mqtts } : {}),
      dataDir: config.dataDir, url, engine: broker.engine.kind,
    }, url ? runningMessage(url, broker.initialPasswordFile) : 'mqdash is running without a dashboard listener (PORT=off)');
    return {
      broker, listeners, ports,
      get http() { return required(httpServer, 'the HTTP listener (PORT)'); },
      get mqtt() { return required(mqtt, 'the MQTT listener (MQTT_PORT)'); },
      get httpPort() { return required(ports.http, 'the HTTP listener (PORT)'); },
      get mqttPort() { return required(ports.mqtt, 'the MQTT listener (MQTT_PORT)'); },
      reloadTls() {
        if (!secure) {
          log.info('no TLS listener (MQTTS_PORT, HTTPS_PORT): nothing to reload');
          return false;
        }
        try {
          material = readTlsMaterial(secure);
        } catch (err) {
          log.error({ err: (err as Error).message }, 'TLS certificate not reloaded; the one in use stays');
          return false;
        }
        httpsServer?.setSecureContext(httpsOptions(material));
        mqtts?.setSecureContext(mqttsOptions(material, config.tlsClientCert));
        log.info({ event: 'tls reloaded', certFile: secure.certFile }, 'TLS certificate reloaded');
        return true;
      },
      async close() {
        for (const s of webServers) s.closeAllConnections();
        await Promise.all([...webServers.map((s) => new Promise((r) => s.close(r))), broker.close()]);
      },
    };
  } catch (err) {
    for (const s of webServers) s.close();
    await broker.close();
    throw err;
  }
}
