/**
 * Issue 14 on the own engine (MQDASH_ENGINE=mqdash): `createBroker` resolves, and the broker
 * listens, before the stored sessions are in memory; they load in slices after it (SqliteSessionStore
 * `loadSliceRows`, then the engine restores them a slice at a time), `/readyz` says `mqtt state` until
 * then, and every MQTT call made meanwhile waits for them. A client that connects, subscribes or
 * publishes right after listening loses nothing: its session, subscriptions and queued messages,
 * retained messages, and messages for offline sessions still being loaded. Closing mid-load loses
 * nothing either. The sessions are seeded through the engine's own store (its real row format).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { createBroker, type Broker } from '../../../broker.ts';
import { newSessionDefaults } from '../../../registry/registry.ts';
import { SqliteStore } from '../../../store/sqlite-store.ts';
import { ADMIN_PASSWORD, collect, tempDir, waitFor } from '../../../__tests__/helpers.ts';
import { MqdashBrokerEngine } from '../../mqdash-broker-engine.ts';
import { SqliteSessionStore } from '../sqlite-store.ts';
import { UNLIMITED_EXPIRY } from '../types.ts';

const clients: MqttClient[] = [];
const brokers: Broker[] = [];
const dirs: string[] = [];
after(async () => {
  for (const c of clients) c.end(true);
  for (const b of brokers) await b.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const newDir = () => {
  const d = tempDir('mqdash-own-bgload-');
  dirs.push(d);
  return d;
};

const persistent5 = { protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: 0xffffffff } };

const own = (broker: Broker): MqdashBrokerEngine => {
  assert.ok(broker.engine instanceof MqdashBrokerEngine);
  return broker.engine;
};

async function open(dataDir: string, loadSliceRows?: number): Promise<{ broker: Broker; port: number }> {
  const broker = await createBroker({ dataDir, adminPassword: ADMIN_PASSWORD, mqtt: { engine: 'mqdash', durable: loadSliceRows ? { loadSliceRows } : true } });
  brokers.push(broker);
  const server = await broker.listenMqtt(0, '127.0.0.1');
  return { broker, port: (server.address() as net.AddressInfo).port };
}

function connect(port: number, o: mqtt.IClientOptions): MqttClient {
  const c = mqtt.connect({ host: '127.0.0.1', port, reconnectPeriod: 0, connectTimeout: 60_000, ...o });
  clients.push(c);
  return c;
}

const connected = (c: MqttClient) => new Promise<mqtt.IConnackPacket>((resolve, reject) => {
  c.once('connect', resolve);
  c.once('error', reject);
});

/** Stored sessions (registry rows and the engine's own rows), each with a subscription and one queued QoS 1 message. */
async function seedFleet(dataDir: string, sessions: number): Promise<void> {
  const store = new SqliteStore(path.join(dataDir, 'mqdash.db'));
  const mqttState = new SqliteSessionStore(store.db);
  try {
    const now = Date.now();
    store.transaction(() => {
      for (let i = 0; i < sessions; i++) {
        const row = store.insertSession({ ...newSessionDefaults(`dev-${i}`, 'mqtt', now), disconnectedAt: now, mqttProtocol: '5.0', subCount: 1 });
        store.putSubscription(row.id, { topicFilter: `fleet/${i}/cmd`, qos: 1, options: { nl: false, rap: false, rh: 0 } });
      }
    });
    for (let i = 0; i < sessions; i++) {
      const clientId = `dev-${i}`;
      const topic = `fleet/${i}/cmd`;
      mqttState.saveSession({
        clientId, expiryInterval: UNLIMITED_EXPIRY, disconnectedAt: now, incomingQos2: [],
        subscriptions: [{ clientId, filter: topic, topicFilter: topic, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }],
      });
      mqttState.addMessage(clientId, { seq: 1, outgoing: { message: { topic, payload: Buffer.from(`seed-${i}`), qos: 1, retain: false, properties: {} }, qos: 1, retain: false, subscriptionIds: [], queuedAt: now } });
    }
    await mqttState.flush();
  } finally {
    await mqttState.close();
    store.close();
  }
}

test('own engine: a client connecting, subscribing and publishing right after listening gets everything stored, while the stored sessions still load', async () => {
  const dir = newDir();
  // First run: a persistent session with a subscription and three queued QoS 1 messages, and a retained message.
  {
    const { broker, port } = await open(dir);
    await own(broker).restored;
    const c1 = connect(port, { clientId: 'bg-c1', ...persistent5 });
    await connected(c1);
    await c1.subscribeAsync('bg/t', { qos: 1 });
    await c1.endAsync();
    const pub = connect(port, { clientId: 'bg-pub', protocolVersion: 5 });
    await connected(pub);
    for (let i = 0; i < 3; i++) await pub.publishAsync('bg/t', `m${i}`, { qos: 1 });
    await pub.publishAsync('bg/retained/1', 'kept', { qos: 1, retain: true });
    await pub.endAsync();
    await waitFor(() => broker.engine.queuedMessages() === 3, 5000, 'three messages queued for bg-c1');
    await broker.close();
  }
  // Enough stored sessions that loading them in slices of 10 rows takes hundreds of turns of the event loop.
  await seedFleet(dir, 3000);

  const { broker, port } = await open(dir, 10);
  const engine = own(broker);
  // The broker listens before the stored sessions are in memory (else this test would prove nothing).
  assert.equal(engine.isRestored, false, 'the stored sessions were loaded before the broker listened');
  const notReady = await broker.readiness.check();
  assert.deepEqual(notReady.failed.map((f) => f.check), ['mqtt state'], 'readiness while loading');

  // All three start before the sessions are loaded.
  const c1 = connect(port, { clientId: 'bg-c1', ...persistent5 });
  const got = collect(c1);
  const c1Connack = connected(c1).then((connack) => ({ connack, loadedAtConnack: engine.isRestored }));
  const watcher = connect(port, { clientId: 'bg-watcher', protocolVersion: 5 });
  const watched = collect(watcher);
  const watcherUp = connected(watcher);
  const pub = connect(port, { clientId: 'bg-pub2', protocolVersion: 5 });
  const pubUp = connected(pub);
  // A message the broker publishes itself meanwhile (a JSON action would) waits for the subscriptions too.
  const early = engine.publish({ topic: 'fleet/7/cmd', payload: Buffer.from('early'), qos: 1, retain: false } as never);
  assert.equal(engine.isRestored, false, 'the stored sessions were loaded before the clients connected');

  // The persistent session comes back (its CONNACK waited for the stored sessions), with its three queued messages in order.
  const { connack, loadedAtConnack } = await c1Connack;
  assert.equal(connack.sessionPresent, true);
  assert.equal(loadedAtConnack, true, 'CONNACK of a persistent session was sent before the stored sessions were loaded');
  await waitFor(() => got.length >= 3, 10_000, 'the queued messages of bg-c1');
  assert.deepEqual(got.map((m) => `${m.topic}:${m.text}`), ['bg/t:m0', 'bg/t:m1', 'bg/t:m2']);

  // A subscription made right away gets the retained message; a publish made right away reaches the
  // stored subscription of an offline session (queued behind its stored message).
  await watcherUp;
  await watcher.subscribeAsync('bg/retained/#', { qos: 1 });
  await waitFor(() => watched.some((m) => m.topic === 'bg/retained/1' && m.text === 'kept'), 10_000, 'the retained message');
  await pubUp;
  await pub.publishAsync('fleet/2999/cmd', 'new', { qos: 1 });
  await pub.publishAsync('bg/t', 'live', { qos: 1 });
  await waitFor(() => got.some((m) => m.text === 'live'), 10_000, 'the live message to bg-c1');
  await early;

  await engine.restored;
  assert.equal(engine.engine.sessions.get('dev-2999')?.backlog, 2, 'the stored message and the one published while loading');
  assert.equal(engine.engine.sessions.get('dev-7')?.backlog, 2, 'the stored message and the broker\'s own');
  assert.equal(engine.engine.sessions.get('dev-0')?.backlog, 1);
  assert.equal(broker.engine.queuedMessages(), 3000 + 2);
  await waitFor(async () => (await broker.readiness.check()).ready, 5000, 'ready once loaded');

  // And the queue of dev-2999 is the stored message then the new one, as a reconnect shows.
  const dev = connect(port, { clientId: 'dev-2999', ...persistent5 });
  const devGot = collect(dev);
  assert.equal((await connected(dev)).sessionPresent, true);
  await waitFor(() => devGot.length >= 2, 10_000, 'the queue of dev-2999');
  assert.deepEqual(devGot.map((m) => m.text), ['seed-2999', 'new']);
});

test('own engine: closing the broker while the stored sessions still load stops the load and loses nothing', async () => {
  const dir = newDir();
  {
    const { broker } = await open(dir);
    await own(broker).restored;
    await broker.close();
  }
  await seedFleet(dir, 2000);
  const first = await open(dir, 10);
  assert.equal(own(first.broker).isRestored, false);
  await first.broker.close();
  // The next start finds every stored session and queue as seeded.
  const { broker } = await open(dir);
  await own(broker).restored;
  assert.equal(own(broker).engine.sessions.get('dev-0')?.backlog, 1);
  assert.equal(own(broker).engine.sessions.get('dev-1999')?.backlog, 1);
  assert.equal(broker.engine.queuedMessages(), 2000);
});
