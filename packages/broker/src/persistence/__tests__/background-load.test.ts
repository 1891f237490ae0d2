/**
 * Issue 14, start-up < 1 s at 100,000 stored sessions: the broker listens before the stored MQTT
 * subscriptions, queues, incoming QoS 2 packets and wills are loaded (`loadInBackground`, the
 * broker's default), and every MQTT call made meanwhile waits for them. A client that connects,
 * subscribes or publishes right after listening loses nothing: its session, subscriptions and
 * queued messages, retained messages, and messages for offline sessions still being loaded.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { createBroker, type Broker } from '../../broker.ts';
import type { Engine } from '../../engine/engine.ts';
import { newSessionDefaults } from '../../registry/registry.ts';
import { SqliteStore } from '../../store/sqlite-store.ts';
import { ADMIN_PASSWORD, collect, tempDir, waitFor } from '../../__tests__/helpers.ts';
import { encodePacket } from '../packet-codec.ts';
import type { SqlitePersistence } from '../sqlite-persistence.ts';

/** The background load belongs to the aedes build's SqlitePersistence. */
const aedesEngine = (broker: Broker) => broker.engine as Engine;
/** These tests are about the aedes build's persistence: they run it whatever MQDASH_ENGINE says (the own engine's own background load is engine/mqdash/__tests__/background-load.test.ts). */
const onAedes = {};

const clients: MqttClient[] = [];
const brokers: Broker[] = [];
const dirs: string[] = [];
after(async () => {
  for (const c of clients) c.end(true);
  for (const b of brokers) await b.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const newDir = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};

const persistent5 = { protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: 0xffffffff } };

async function open(dataDir: string, loadSliceRows?: number): Promise<{ broker: Broker; port: number; persistence: SqlitePersistence }> {
  const broker = await createBroker({ dataDir, adminPassword: ADMIN_PASSWORD, mqtt: { engine: 'aedes', durable: loadSliceRows ? { loadSliceRows } : true } });
  brokers.push(broker);
  const server = await broker.listenMqtt(0, '127.0.0.1');
  const persistence = (aedesEngine(broker).aedes as unknown as { persistence: SqlitePersistence }).persistence;
  return { broker, port: (server.address() as net.AddressInfo).port, persistence };
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

/** Stored sessions with a subscription and a queued message each, written as the bench seeds them. */
function seedFleet(dataDir: string, sessions: number): void {
  const store = new SqliteStore(path.join(dataDir, 'mqdash.db'));
  try {
    const now = Date.now();
    const subRow = store.db.prepare('INSERT INTO mqtt_subscriptions (client_id, topic, qos, rh, rap, nl, subscription_identifier) VALUES (?, ?, 1, 0, 0, 0, NULL)');
    const outRow = store.db.prepare('INSERT INTO mqtt_outgoing (seq, client_id, topic, payload, message_id, meta) VALUES (?, ?, ?, ?, NULL, ?)');
    const firstSeq = (store.db.prepare('SELECT coalesce(max(seq), 0) + 1 AS s FROM mqtt_outgoing').get() as { s: number }).s;
    store.transaction(() => {
      for (let i = 0; i < sessions; i++) {
        const name = `dev-${i}`;
        const topic = `fleet/${i}/cmd`;
        const row = store.insertSession({ ...newSessionDefaults(name, 'mqtt', now), disconnectedAt: now, mqttProtocol: '5.0', subCount: 1 });
        store.putSubscription(row.id, { topicFilter: topic, qos: 1, options: { nl: false, rap: false, rh: 0 } });
        subRow.run(name, topic);
        const r = encodePacket({ cmd: 'publish', topic, payload: Buffer.from(`seed-${i}`), qos: 1, retain: false, dup: false, brokerId: 'seed', brokerCounter: i + 1 }, 'messageId');
        outRow.run(firstSeq + i, name, r.topic, r.payload, r.meta);
      }
    });
  } finally {
    store.close();
  }
}

test('a client connecting, subscribing and publishing right after listening gets everything stored, while the stored state is still loading', onAedes, async () => {
  const dir = newDir();
  // First run: a persistent session with a subscription and three queued QoS 1 messages, and a retained message.
  {
    const { broker, port } = await open(dir);
    const c1 = connect(port, { clientId: 'bg-c1', ...persistent5 });
    await connected(c1);
    await c1.subscribeAsync('bg/t', { qos: 1 });
    await c1.endAsync();
    const pub = connect(port, { clientId: 'bg-pub', protocolVersion: 5 });
    await connected(pub);
    for (let i = 0; i < 3; i++) await pub.publishAsync('bg/t', `m${i}`, { qos: 1 });
    await pub.publishAsync('bg/retained/1', 'kept', { qos: 1, retain: true });
    await pub.endAsync();
    await waitFor(() => aedesEngine(broker).backlog.level('bg-c1') === 3, 5000, 'three messages queued for bg-c1');
    await broker.close();
  }
  // Enough stored sessions that loading them in slices of 10 rows takes hundreds of turns of the event loop.
  seedFleet(dir, 3000);

  const { broker, port, persistence } = await open(dir, 10);
  // The broker listens before the stored state is in memory (else this test would prove nothing).
  assert.equal(persistence.isOpen, false, 'the stored state was loaded before the broker listened');
  const notReady = await broker.readiness.check();
  assert.deepEqual(notReady.failed.map((f) => f.check), ['mqtt state'], 'readiness while loading');

  // All three start before the state is loaded.
  const c1 = connect(port, { clientId: 'bg-c1', ...persistent5 });
  const got = collect(c1);
  const c1Connack = connected(c1).then((connack) => ({ connack, openAtConnack: persistence.isOpen }));
  const watcher = connect(port, { clientId: 'bg-watcher', protocolVersion: 5 });
  const watched = collect(watcher);
  const watcherUp = connected(watcher);
  const pub = connect(port, { clientId: 'bg-pub2', protocolVersion: 5 });
  const pubUp = connected(pub);
  assert.equal(persistence.isOpen, false, 'the stored state was loaded before the clients connected');

  // The persistent session comes back (its CONNACK waited for the stored state), with its three queued messages in order.
  const { connack, openAtConnack } = await c1Connack;
  assert.equal(connack.sessionPresent, true);
  assert.equal(openAtConnack, true, 'CONNACK of a persistent session was sent before its stored state was loaded');
  await waitFor(() => got.length >= 3, 10_000, 'the queued messages of bg-c1');
  assert.deepEqual(got.map((m) => `${m.topic}:${m.text}`), ['bg/t:m0', 'bg/t:m1', 'bg/t:m2']);

  // A subscription made right away gets the retained message; a publish made right away reaches the
  // stored subscription of an offline session (it is queued behind its stored message).
  await watcherUp;
  await watcher.subscribeAsync('bg/retained/#', { qos: 1 });
  await waitFor(() => watched.some((m) => m.topic === 'bg/retained/1' && m.text === 'kept'), 10_000, 'the retained message');
  await pubUp;
  await pub.publishAsync('fleet/2999/cmd', 'new', { qos: 1 });
  await pub.publishAsync('bg/t', 'live', { qos: 1 });
  await waitFor(() => got.some((m) => m.text === 'live'), 10_000, 'the live message to bg-c1');

  await aedesEngine(broker).restored;
  assert.equal(aedesEngine(broker).backlog.level('dev-2999'), 2, 'the stored message and the one published while loading');
  assert.equal(aedesEngine(broker).backlog.level('dev-0'), 1);
  await waitFor(async () => (await broker.readiness.check()).ready, 5000, 'ready once loaded');

  // And the queue of dev-2999 is the stored message then the new one, as a reconnect shows.
  const dev = connect(port, { clientId: 'dev-2999', ...persistent5 });
  const devGot = collect(dev);
  assert.equal((await connected(dev)).sessionPresent, true);
  await waitFor(() => devGot.length >= 2, 10_000, 'the queue of dev-2999');
  assert.deepEqual(devGot.map((m) => m.text), ['seed-2999', 'new']);
});

test('closing the broker while the stored state is still loading stops the load and loses nothing', onAedes, async () => {
  const dir = newDir();
  {
    const { broker } = await open(dir);
    await broker.close();
  }
  seedFleet(dir, 2000);
  const first = await open(dir, 10);
  assert.equal(first.persistence.isOpen, false);
  await first.broker.close();
  // The next start finds every stored session and queue as seeded.
  const { broker, persistence } = await open(dir);
  await aedesEngine(broker).restored;
  assert.equal(persistence.isOpen, true);
  assert.equal(aedesEngine(broker).backlog.level('dev-0'), 1);
  assert.equal(aedesEngine(broker).backlog.level('dev-1999'), 1);
  assert.equal(broker.engine.queuedMessages(), 2000);
});
