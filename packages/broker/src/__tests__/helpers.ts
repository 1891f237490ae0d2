/**
 * Test helpers: a real broker (real SQLite file in a temp folder) on free ports, with MQTT over TCP
 * and over WebSocket at /mqtt, an admin authToken, and real mqtt.js clients. Every client and
 * broker made here is closed by `close()`, so a test file only needs `after(() => tb.close())`.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type net from 'node:net';
import assert from 'node:assert/strict';
import mqtt, { type IClientOptions, type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import type { ResponseEnvelope } from '@mqdash/contracts';
import { createBroker, type Broker, type BrokerOptions } from '../index.ts';

export const ADMIN_PASSWORD = 'test-admin-pw-1';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function tempDir(prefix = 'mqdash-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * The least time a condition wait allows before it fails. A deadline only bounds a failure (a
 * wait returns as soon as its condition holds), and on a loaded machine (other suites sharing two
 * cores) the broker's timers, flushes and deliveries run seconds late: a deadline shorter than
 * the work it waits for fails good code. Tests that mean an upper bound measure the time themselves.
 */
export const MIN_WAIT_MS = 15_000;

/**
 * Polls `predicate` (sync or async) every `intervalMs` until it returns a truthy value, which is
 * returned. Throws after `timeoutMs` (at least MIN_WAIT_MS) with `what` and the last value seen,
 * so a failure says why.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>, timeoutMs = 3000, what = 'condition', intervalMs = 50,
): Promise<NonNullable<T>> {
  timeoutMs = Math.max(timeoutMs, MIN_WAIT_MS);
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await predicate();
      lastErr = undefined;
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastErr ? `last error: ${(lastErr as Error).message}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`waitFor timed out after ${timeoutMs} ms waiting for ${what}; ${detail}`);
    }
    await sleep(intervalMs);
  }
}

export type Transport = 'tcp' | 'ws';

export interface ConnectOptions extends Omit<IClientOptions, 'protocolVersion'> {
  transport?: Transport;
  protocolVersion?: 4 | 5;
}

/** A connected client with the CONNACK it got. */
export type TestClient = MqttClient & { connack: IConnackPacket };

/** What a refused connect produced: the mqtt.js error (code = reason/return code) and whether a CONNACK came. */
export interface Refusal {
  code: number | undefined;
  message: string;
}

export interface TestBroker {
  broker: Broker;
  dataDir: string;
  mqttPort: number;
  httpPort: number;
  token: string;
  /** Runs a JSON action with the admin token; returns the whole envelope. */
  act(action: string, params?: Record<string, unknown>): Promise<ResponseEnvelope>;
  /** Runs a JSON action and asserts errorCode 0; returns `result`. */
  ok<T = any>(action: string, params?: Record<string, unknown>): Promise<T>;
  /** One session's describeMqSessions detail (with stats and topics). */
  describe(clientName: string): Promise<any>;
  /** listMqSessions data rows. */
  list(params?: Record<string, unknown>): Promise<any[]>;
  url(transport?: Transport): string;
  connect(opts?: ConnectOptions): Promise<TestClient>;
  /** Connects and expects a refusal; fails the test if the client connects. */
  connectRefused(opts?: ConnectOptions): Promise<Refusal>;
  /** Logs in again (a second authToken). */
  login(): Promise<string>;
  /** Closes clients, listeners and the broker; keeps the data folder (for restarts). */
  stop(): Promise<void>;
  /** stop() and remove the data folder. */
  close(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  mqtt?: BrokerOptions['mqtt'];
  messaging?: BrokerOptions['messaging'];
  alerts?: BrokerOptions['alerts'];
  logger?: BrokerOptions['logger'];
}

export async function startBroker(o: StartOptions = {}): Promise<TestBroker> {
  const dataDir = o.dataDir ?? tempDir();
  const broker = await createBroker({
    dataDir, adminPassword: ADMIN_PASSWORD, logger: o.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'silent' }), mqtt: o.mqtt, messaging: o.messaging, alerts: o.alerts,
  });
  const clients = new Set<MqttClient>();
  let tcp: net.Server | undefined;
  let httpServer: http.Server | undefined;
  try {
    tcp = await broker.listenMqtt(0, '127.0.0.1');
    httpServer = http.createServer((_req, res) => res.writeHead(404).end());
    broker.attachWebSocket(httpServer, '/mqtt');
    await new Promise<void>((resolve, reject) => {
      httpServer!.once('error', reject);
      httpServer!.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    httpServer?.close();
    await broker.close();
    throw err;
  }
  const mqttPort = (tcp.address() as net.AddressInfo).port;
  const httpPort = (httpServer.address() as net.AddressInfo).port;

  const run = (req: Record<string, unknown>) => broker.actions.run(req);
  const login = async () => {
    const r = await run({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } });
    assert.equal(r.errorCode, 0, `login failed: ${r.errorMessage}`);
    assert.ok(r.authToken, 'login returned no authToken');
    return r.authToken!;
  };
  const token = await login();

  const act = (action: string, params: Record<string, unknown> = {}) => run({ action, params, authToken: token });
  const ok = async (action: string, params: Record<string, unknown> = {}) => {
    const r = await act(action, params);
    assert.equal(r.errorCode, 0, `${action} ${JSON.stringify(params)} failed: ${r.errorCode} ${r.errorMessage}`);
    return r.result as any;
  };
  const url = (transport: Transport = 'tcp') =>
    transport === 'ws' ? `ws://127.0.0.1:${httpPort}/mqtt` : `mqtt://127.0.0.1:${mqttPort}`;

  const makeClient = (opts: ConnectOptions): MqttClient => {
    const { transport = 'tcp', protocolVersion = 5, ...rest } = opts;
    const client = mqtt.connect(url(transport), {
      protocolVersion, reconnectPeriod: 0, connectTimeout: 5000, ...rest,
    });
    clients.add(client);
    bufferEarlyMessages(client);
    // An unhandled 'error' would crash the test process; tests that care listen themselves.
    client.on('error', () => {});
    return client;
  };

  const connect = (opts: ConnectOptions = {}) => new Promise<TestClient>((resolve, reject) => {
    const client = makeClient(opts);
    const onConnect = (connack: IConnackPacket) => {
      cleanup();
      (client as TestClient).connack = connack;
      resolve(client as TestClient);
    };
    const onError = (err: Error & { code?: number }) => {
      cleanup();
      client.end(true);
      reject(Object.assign(new Error(`connect ${opts.clientId ?? ''} refused: ${err.message} (code ${err.code})`), { code: err.code }));
    };
    const onClose = () => {
      cleanup();
      reject(new Error(`connect ${opts.clientId ?? ''}: connection closed before CONNACK`));
    };
    const cleanup = () => {
      client.off('connect', onConnect);
      client.off('error', onError);
      client.off('close', onClose);
    };
    client.on('connect', onConnect);
    client.on('error', onError);
    client.on('close', onClose);
  });

  const connectRefused = (opts: ConnectOptions = {}) => new Promise<Refusal>((resolve, reject) => {
    const client = makeClient(opts);
    const timer = setTimeout(() => {
      client.end(true);
      reject(new Error(`connect ${opts.clientId ?? ''}: neither refused nor connected within ${MIN_WAIT_MS / 1000} s`));
    }, MIN_WAIT_MS);
    client.once('connect', () => {
      clearTimeout(timer);
      client.end(true);
      reject(new Error(`connect ${opts.clientId ?? ''} was accepted but should have been refused`));
    });
    client.once('error', (err: Error & { code?: number }) => {
      clearTimeout(timer);
      client.end(true);
      resolve({ code: err.code, message: err.message });
    });
    client.once('close', () => {
      // A close with no CONNACK error first: report it as a refusal without a code.
      setImmediate(() => {
        clearTimeout(timer);
        resolve({ code: undefined, message: 'closed without CONNACK' });
      });
    });
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // end(true) destroys the socket; bounded so a stuck client cannot hang the suite.
    await Promise.all([...clients].map((c) => Promise.race([new Promise<void>((r) => c.end(true, {}, () => r())), sleep(2000)])));
    clients.clear();
    await broker.close();
    const httpClosed = new Promise<void>((r) => httpServer!.close(() => r()));
    // Upgraded (WebSocket) sockets would otherwise keep close() waiting.
    httpServer!.closeAllConnections();
    await httpClosed;
  };

  return {
    broker, dataDir, mqttPort, httpPort, token, act, ok, url, connect, connectRefused, login, stop,
    async describe(clientName: string) {
      const r = await ok('describeMqSessions', {
        clientNames: [clientName], includeStats: true, includeSubscribedTopics: true, includePublishedTopics: true,
      });
      assert.equal(r.data.length, 1, `describe ${clientName}: expected one session`);
      return r.data[0];
    },
    async list(params: Record<string, unknown> = {}) {
      return (await ok('listMqSessions', params)).data;
    },
    async close() {
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Brokers opened (and reopened) on data folders that outlive them, for restart tests: `open(dir)`
 * starts one on a folder, `removeLater(dir)` marks a folder for removal, `closeAll()` (in `after`)
 * stops every broker and removes every folder.
 */
export function restartableBrokers() {
  const brokers: TestBroker[] = [];
  const dirs = new Set<string>();
  return {
    removeLater(dir: string): string {
      dirs.add(dir);
      return dir;
    },
    async open(dataDir: string): Promise<TestBroker> {
      dirs.add(dataDir);
      const b = await startBroker({ dataDir });
      brokers.push(b);
      return b;
    },
    async closeAll(): Promise<void> {
      for (const b of brokers) await b.stop();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

type Collected = Array<{ topic: string; text: string; packet: IPublishPacket }>;
const earlyMessages = new WeakMap<MqttClient, Collected>();

/**
 * A broker may send a resumed session's queued messages in the same TCP segment as the CONNACK
 * (mqdash's own engine does): mqtt.js emits them before `await connect()` returns, so before a test
 * can call `collect`. Messages that arrive with the CONNACK (up to the next turn of the event loop)
 * are kept for the first `collect` of that client.
 */
function bufferEarlyMessages(client: MqttClient): void {
  const early: Collected = [];
  earlyMessages.set(client, early);
  const keep = (topic: string, payload: Buffer, packet: IPublishPacket) => early.push({ topic, text: payload.toString('utf8'), packet });
  client.on('message', keep);
  client.once('connect', () => setImmediate(() => client.off('message', keep)));
  client.once('close', () => client.off('message', keep));
}

/** Collects the messages a client receives (topic, payload text, full packet), those that came with its CONNACK included. */
export function collect(client: MqttClient): Collected {
  const got: Collected = [...(earlyMessages.get(client) ?? [])];
  earlyMessages.delete(client);
  client.on('message', (topic, payload, packet) => got.push({ topic, text: payload.toString('utf8'), packet }));
  return got;
}

/** Resolves when the client's connection has closed (immediately if it already has). */
export function closed(client: MqttClient, timeoutMs = MIN_WAIT_MS): Promise<void> {
  timeoutMs = Math.max(timeoutMs, MIN_WAIT_MS);
  if (!client.connected && (client as any).stream?.destroyed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`client ${client.options.clientId} did not close within ${timeoutMs} ms`)), timeoutMs);
    client.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** A full round trip: the client publishes on a fresh topic it subscribed to and receives it back. */
export async function roundTrip(client: MqttClient, topic = `rt/${Math.random().toString(36).slice(2)}`): Promise<void> {
  await client.subscribeAsync(topic, { qos: 1 });
  const got = new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no round trip on ${topic}`)), MIN_WAIT_MS);
    const onMsg = (tp: string, payload: Buffer) => {
      if (tp !== topic) return;
      clearTimeout(t);
      client.off('message', onMsg);
      resolve(payload.toString());
    };
    client.on('message', onMsg);
  });
  await client.publishAsync(topic, 'ping', { qos: 1 });
  assert.equal(await got, 'ping');
  await client.unsubscribeAsync(topic);
}

/**
 * The reason code of the DISCONNECT the broker sends an MQTT 5 client. Fails when the connection
 * closes without a DISCONNECT, or nothing happens within `timeoutMs`.
 */
export function disconnectReason(client: MqttClient, timeoutMs = MIN_WAIT_MS): Promise<number | undefined> {
  timeoutMs = Math.max(timeoutMs, MIN_WAIT_MS);
  return new Promise((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(t);
      client.off('disconnect', onDisconnect);
      client.off('close', onClose);
      fn();
    };
    const onDisconnect = (p: { reasonCode?: number }) => done(() => resolve(p.reasonCode));
    const onClose = () => done(() => reject(new Error(`${client.options.clientId}: connection closed without a DISCONNECT`)));
    const t = setTimeout(() => done(() => reject(new Error(`${client.options.clientId}: no DISCONNECT within ${timeoutMs} ms`))), timeoutMs);
    client.on('disconnect', onDisconnect);
    client.on('close', onClose);
  });
}
