import http from 'node:http';
import path from 'node:path';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { pino, type Logger } from 'pino';
import { createBroker, type Broker } from '@mqdash/broker';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { hostPolicy, upgradeGuard, type TrustFn } from './http/host-check.ts';

export interface RunningServer {
  broker: Broker;
  http: http.Server;
  /** The MQTT over TCP listener. */
  mqtt: NetServer;
  httpPort: number;
  mqttPort: number;
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

/** Opens the store, starts the broker and serves HTTP (dashboard, APIs, MQTT over WebSocket). */
export async function startServer(config: Config, log: Logger = pino({ level: config.logLevel })): Promise<RunningServer> {
  const broker = await createBroker({
    dataDir: config.dataDir, adminPassword: config.adminPassword, apiKeyBootstrapFile: config.apiKeyBootstrapFile, logger: log,
    mqtt: { drainTimeoutMs: config.mqttDrainTimeoutMs, durable: { maxQueuedPerClient: config.mqttMaxQueuedMessages }, allowAnonymous: config.mqttAllowAnonymous },
  });
  const hosts = hostPolicy(config.host, config.allowedHosts);
  const app = createApp(broker, { maxBodyBytes: config.maxBodyBytes, trustProxy: config.trustProxy, hosts, metricsAllow: config.metricsAllow });
  const server = http.createServer({
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    // Node enforces both timeouts only when it checks its connections (every 30 s by default), so
    // a slow client could hold a connection far past them; check at least twice per headers timeout.
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(config.headersTimeoutMs / 2))),
  }, app);
  server.keepAliveTimeout = 5_000;
  // Upgrades bypass Express: the same Host rule, and browsers' Origin (issue 12: DNS rebinding, cross-site WebSocket).
  broker.attachWebSocket(server, '/mqtt', undefined, { verifyUpgrade: upgradeGuard(hosts, app.get('trust proxy fn') as TrustFn) });
  try {
    const mqtt = await broker.listenMqtt(config.mqttPort, config.host);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    broker.readiness.add('listeners', () => {
      if (!server.listening) throw new Error('the HTTP listener is closed');
      if (!mqtt.listening) throw new Error('the MQTT listener is closed');
    });
    const httpPort = (server.address() as AddressInfo).port;
    const mqttPort = (mqtt.address() as AddressInfo).port;
    const url = dashboardUrl(config.host, httpPort);
    log.info({ event: 'mqdash listening', host: config.host, httpPort, mqttPort, dataDir: config.dataDir, url, engine: broker.engine.kind }, runningMessage(url, broker.initialPasswordFile));
    return {
      broker, http: server, mqtt, httpPort, mqttPort,
      async close() {
        server.closeAllConnections();
        await Promise.all([new Promise((r) => server.close(r)), broker.close()]);
      },
    };
  } catch (err) {
    await broker.close();
    throw err;
  }
}
