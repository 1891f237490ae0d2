/**
 * Helpers for the EMQX API tests: a real broker on a real SQLite file in a temp dir, the real app
 * listening on a free port (HTTP, MQTT over WebSocket at /mqtt) and MQTT over TCP, an API key made
 * with createApiKey, and real mqtt.js clients (3.1.1 and 5.0). Nothing is faked.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import request from 'supertest';
import { createBroker, type Broker } from '@mqdash/broker';
import { createApp } from '../app.ts';

/** As the broker's test helpers (packages/broker/src/__tests__/helpers.ts): a condition wait allows at least this long. */
const MIN_WAIT_MS = 15_000;

export const ADMIN_PASSWORD = 'emqx-test-admin-password';
export const NODE = 'mqdash@test-node';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<NonNullable<T>> {
  // At least MIN_WAIT_MS: a deadline only bounds a failure, and on a loaded machine the work runs late.
  const deadline = Date.now() + Math.max(timeoutMs, MIN_WAIT_MS);
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export interface ApiKey {
  name: string;
  apiKey: string;
  apiSecret: string;
}

export interface EmqxTestServer {
  broker: Broker;
  app: ReturnType<typeof createApp>;
  httpPort: number;
  mqttPort: number;
  adminToken: string;
  key: ApiKey;
  /** `/api/v5` base URL of the listening server. */
  api: string;
  /** A supertest request with the API key's Basic auth. */
  get(path: string): request.Test;
  post(path: string, body?: unknown): request.Test;
  del(path: string): request.Test;
  /** Runs a JSON action as admin; asserts success. */
  ok<T = any>(action: string, params?: Record<string, unknown>): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
  createKey(name: string): Promise<ApiKey>;
  /**
   * Connects a real mqtt.js client (MQTT 5 unless told); `localAddress` picks the source IP (127.x.y.z).
   * `received` collects every message from before the CONNACK on: a resumed session's queue may
   * arrive in the same chunk as the CONNACK, before a listener added after `connect` resolves.
   */
  connect(clientId: string, opts?: ConnectOptions): Promise<MqttClient>;
  close(): Promise<void>;
}

export type ConnectOptions = IClientOptions & { localAddress?: string; ws?: boolean; received?: Array<{ topic: string; payload: string }> };

export async function startEmqxServer(): Promise<EmqxTestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-emqx-test-'));
  const broker = await createBroker({ dataDir: dir, adminPassword: ADMIN_PASSWORD, logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }) });
  const app = createApp(broker, { maxBodyBytes: 64 * 1024, nodeName: NODE });
  const server = http.createServer(app);
  broker.attachWebSocket(server, '/mqtt');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const httpPort = (server.address() as net.AddressInfo).port;
  const mqttPort = ((await broker.listenMqtt(0)).address() as net.AddressInfo).port;
  const clients: MqttClient[] = [];

  const login = await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } });
  assert.equal(login.errorCode, 0, login.errorMessage);
  const adminToken = login.authToken!;
  const ok = async (action: string, params: Record<string, unknown> = {}) => {
    const r = await broker.actions.run({ action, params, authToken: adminToken });
    assert.equal(r.errorCode, 0, `${action}: ${r.errorMessage}`);
    return r.result as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const createKey = async (name: string): Promise<ApiKey> => {
    // An administrator, as keys from the bootstrap file are; roles/routes: roles-routes.test.ts.
    const k = await ok('createApiKey', { name, role: 'administrator' });
    return { name, apiKey: k.apiKey, apiSecret: k.apiSecret };
  };
  const key = await createKey('emqx-tests');
  const auth = (t: request.Test) => t.auth(key.apiKey, key.apiSecret);

  const connect = (clientId: string, opts: ConnectOptions = {}): Promise<MqttClient> => {
    const { localAddress, ws, received, ...rest } = opts;
    const o: IClientOptions = { clientId, reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 5, ...rest };
    const client = ws
      ? mqtt.connect(`ws://127.0.0.1:${httpPort}/mqtt`, o)
      : localAddress
        ? new mqtt.MqttClient(() => net.createConnection({ host: '127.0.0.1', port: mqttPort, localAddress }), o)
        : mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, o);
    clients.push(client);
    client.on('error', () => {});
    if (received) client.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }));
    return new Promise((resolve, reject) => {
      client.once('connect', () => resolve(client));
      client.once('error', reject);
    });
  };

  return {
    broker, app, httpPort, mqttPort, adminToken, key, ok, createKey, connect,
    api: `http://127.0.0.1:${httpPort}/api/v5`,
    get: (p) => auth(request(app).get(`/api/v5${p}`)),
    post: (p, body) => auth(request(app).post(`/api/v5${p}`)).send(body as object),
    del: (p) => auth(request(app).delete(`/api/v5${p}`)),
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await broker.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when the client's connection has closed (fails after `timeoutMs`, at least MIN_WAIT_MS). */
export function closed(client: MqttClient, timeoutMs = MIN_WAIT_MS): Promise<void> {
  timeoutMs = Math.max(timeoutMs, MIN_WAIT_MS);
  if (client.disconnected || (client as unknown as { stream?: { destroyed?: boolean } }).stream?.destroyed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${client.options.clientId} did not close within ${timeoutMs} ms`)), timeoutMs);
    client.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/**
 * The next message on `topic` that `client` receives, or null after `timeoutMs`. A test expecting a
 * message keeps the default (MIN_WAIT_MS: the delivery may run late on a loaded machine; the wait
 * ends when it arrives); one checking that nothing comes passes a short window.
 */
export function nextMessage(client: MqttClient, topic: string, timeoutMs = MIN_WAIT_MS): Promise<string | null> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      client.off('message', on);
      resolve(null);
    }, timeoutMs);
    const on = (tp: string, payload: Buffer) => {
      if (tp !== topic) return;
      clearTimeout(t);
      client.off('message', on);
      resolve(payload.toString());
    };
    client.on('message', on);
  });
}
