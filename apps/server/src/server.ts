import http from 'node:http';
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
    log.info({ host: config.host, httpPort, mqttPort, dataDir: config.dataDir }, 'mqdash listening');
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
