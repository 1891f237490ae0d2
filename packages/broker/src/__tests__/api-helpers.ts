/**
 * Helpers for the JSON action tests: a real broker on a real SQLite file in a temp dir, a real
 * authToken, and real mqtt.js clients over TCP. Nothing here fakes the broker.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { ResponseEnvelope, SessionDetail, SessionListRow } from '@mqdash/contracts';
import { createBroker, type Broker } from '../index.ts';
import { MIN_WAIT_MS } from './helpers.ts';

export const ADMIN_PASSWORD = 'correct horse battery staple';

/** A response with the loose result type tests inspect property by property. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Res = ResponseEnvelope<any>;

export interface TestBroker {
  broker: Broker;
  dir: string;
  mqttPort: number;
  token: string;
  /** Sends an envelope as given (no authToken added). */
  raw(request: unknown): Promise<Res>;
  /** Runs an action with the admin's authToken; `extra` adds or overrides envelope properties. */
  run(action: string, params?: unknown, extra?: Record<string, unknown>): Promise<Res>;
  /** Runs an action that must succeed and returns its result. */
  ok(action: string, params?: unknown, extra?: Record<string, unknown>): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  describe(clientName: string): Promise<SessionDetail>;
  /** Every session, hidden ones included, as listMqSessions returns them. */
  listAll(): Promise<{ data: SessionListRow[]; totalCount: number }>;
  /** Connects an mqtt.js client and waits for its CONNACK. `localAddress` picks the source IP (127.x.y.z). */
  connect(clientId: string, opts?: IClientOptions, localAddress?: string): Promise<MqttClient>;
  /** Connects an mqtt.js client that the broker is expected to refuse; resolves with the error. */
  connectRefused(clientId: string, opts?: IClientOptions): Promise<Error & { code?: number }>;
  close(): Promise<void>;
}

/** MQTT 5 options of a permanent session: it survives a disconnect (DESIGN §3). */
export const permanent5: IClientOptions = { protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff } };
/** MQTT 3.1.1 permanent session. */
export const permanent4: IClientOptions = { protocolVersion: 4, clean: false };

export async function startTestBroker(): Promise<TestBroker> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-test-'));
  const broker = await createBroker({ dataDir: dir, adminPassword: ADMIN_PASSWORD });
  const server = await broker.listenMqtt(0);
  const mqttPort = (server.address() as net.AddressInfo).port;
  const clients: MqttClient[] = [];

  const raw = (request: unknown) => broker.actions.run(request) as Promise<Res>;
  const login = await raw({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } });
  assert.equal(login.errorCode, 0, login.errorMessage);
  const token = login.authToken!;

  const run = (action: string, params: unknown = {}, extra: Record<string, unknown> = {}) =>
    raw({ action, params, authToken: token, ...extra });
  const ok = async (action: string, params: unknown = {}, extra: Record<string, unknown> = {}) => {
    const r = await run(action, params, extra);
    assert.equal(r.errorCode, 0, `${action} failed: ${r.errorMessage}`);
    return r.result;
  };

  const options = (clientId: string, opts: IClientOptions): IClientOptions => ({
    clientId, reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 5, ...opts,
  });

  const connect = (clientId: string, opts: IClientOptions = {}, localAddress?: string): Promise<MqttClient> => {
    const o = options(clientId, opts);
    const client = localAddress
      ? new mqtt.MqttClient(() => net.createConnection({ host: '127.0.0.1', port: mqttPort, localAddress }), o)
      : mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, o);
    clients.push(client);
    return new Promise((resolve, reject) => {
      client.once('connect', () => resolve(client));
      client.once('error', reject);
    });
  };

  const connectRefused = (clientId: string, opts: IClientOptions = {}): Promise<Error & { code?: number }> => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, options(clientId, opts));
    clients.push(client);
    return new Promise((resolve, reject) => {
      client.once('connect', () => reject(new Error(`${clientId} was expected to be refused but connected`)));
      client.once('error', (err) => resolve(err));
    });
  };

  return {
    broker, dir, mqttPort, token, raw, run, ok, connect, connectRefused,
    async describe(clientName) {
      const result = await ok('describeMqSessions', { clientNames: [clientName] });
      assert.equal(result.data.length, 1, `describe ${clientName}`);
      return result.data[0];
    },
    listAll: () => ok('listMqSessions', { sessionStatusFilter: ['normal', 'hidden', 'banned', 'inactive'] }),
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
      await broker.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a truthy value; fails after `timeoutMs`. */
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

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until the registry has recorded a client's disconnect. */
export async function waitDisconnected(t: TestBroker, clientName: string): Promise<void> {
  await waitFor(async () => (await t.describe(clientName)).connectionStatus === 'disconnected', `${clientName} disconnected`);
}

/** Asserts `obj[key]` exists and has the JSON type the seed shows. */
export function assertType(obj: object, key: string, type: 'string' | 'number' | 'boolean' | 'object' | 'array', where = ''): void {
  assert.ok(key in obj, `${where}${key} is missing`);
  const v = (obj as Record<string, unknown>)[key];
  if (type === 'array') assert.ok(Array.isArray(v), `${where}${key} must be an array, got ${JSON.stringify(v)}`);
  else if (type === 'object') assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), `${where}${key} must be an object, got ${JSON.stringify(v)}`);
  else assert.equal(typeof v, type, `${where}${key} must be a ${type}, got ${JSON.stringify(v)}`);
}

/** ISO 8601 timestamps, as the seeds define connectionDateTime and lastFailedConnectDateTime. */
export function assertIsoTimestamp(v: unknown, what: string): void {
  assert.equal(typeof v, 'string', `${what} must be a string`);
  assert.match(v as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/, `${what} must be ISO 8601`);
  assert.ok(!Number.isNaN(Date.parse(v as string)), `${what} must parse as a date`);
}
