/**
 * Two nodes of one broker (issue 11, first step): two engines in this process, each on its own TCP
 * port with its own RedisBus on one real redis-server and its own PostgresSessionStore on one real
 * PostgreSQL database. Real mqtt.js clients: subscribers on node A, publishers on node B.
 *
 * "No duplicate": every scenario ends with a sentinel published after the messages under test, by
 * the same publisher on the same bus; once it has arrived, every earlier message (and any duplicate
 * of one) has too, since Redis pub/sub and MQTT keep one publisher's order.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import pg from 'pg';
import { PostgresSessionStore } from '../../engine/mqdash/pg-store.ts';
import { RedisBus } from '../../engine/mqdash/redis-bus.ts';
import { startEngine, waitFor, type TestClient, type TestServer } from '../../engine/mqdash/__tests__/helpers.ts';
import { startPostgres, startRedis, type Service } from './services.ts';

let postgres: Service;
let redis: Service;
let nodeA: TestServer;
let nodeB: TestServer;
const faults: string[] = [];
const timings: Record<string, number> = {};

/** A node: its own store and bus on the shared servers; the sessions stored in PostgreSQL are restored. */
async function startNode(name: string): Promise<TestServer> {
  const onError = (error: unknown, where: string) => faults.push(`${name} ${where}: ${error instanceof Error ? error.message : String(error)}`);
  const store = await PostgresSessionStore.open(postgres.url, { onError });
  const bus = await RedisBus.open(redis.url, { nodeName: name, onError });
  return startEngine({ hooks: { onError } }, store, bus);
}

before(async () => {
  const started = Date.now();
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  timings.servicesMs = Date.now() - started;
  nodeA = await startNode('node-a');
  nodeB = await startNode('node-b');
});

after(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await Promise.all([postgres?.stop(), redis?.stop()]);
  console.log('cluster two-node timings (ms):', timings);
});

/**
 * Publishes a sentinel and waits for it: everything the publisher sent before has arrived by then.
 * At QoS 2, because mqtt.js hands a QoS 2 message over only at its PUBREL: a QoS 2 delivery is
 * surely out before a sentinel only if the sentinel (subscribed at QoS 2) waits for its PUBREL too.
 */
async function settle(publisher: TestClient, ...subscribers: TestClient[]): Promise<void> {
  const marker = `end-${Math.random()}`;
  await publisher.publishAsync('sentinel/end', marker, { qos: 2 });
  for (const subscriber of subscribers) await waitFor(() => subscriber.received.some((m) => m.text === marker), 5000, 'the sentinel');
}

/** A persistent session on node A subscribed at QoS 1 to `filter`, its client gone; gives its connect options. */
async function offlineSubscriber(clientId: string, filter: string) {
  const persistent = { clientId, protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: 3600 } };
  const sub = await nodeA.connect(persistent);
  await sub.subscribeAsync(filter, { qos: 1 });
  await sub.endAsync();
  await waitFor(() => !nodeA.engine.connections.has(clientId), 3000, 'the subscriber to leave');
  return persistent;
}

const texts = (client: TestClient, prefix: string) => client.received.filter((m) => m.topic.startsWith(prefix)).map((m) => m.text);

describe('two nodes on Redis and PostgreSQL', () => {
  test('QoS 0, 1 and 2 published on node B reach a subscriber on node A once each, with their QoS; a subscriber on B gets them once too', async () => {
    const subA = await nodeA.connect({ clientId: 'sub-a', protocolVersion: 5 });
    const subB = await nodeB.connect({ clientId: 'sub-b', protocolVersion: 5 });
    await subA.subscribeAsync(['q/#', 'sentinel/#'], { qos: 2 });
    await subB.subscribeAsync(['q/#', 'sentinel/#'], { qos: 2 });
    const pub = await nodeB.connect({ clientId: 'pub-b', protocolVersion: 5 });
    const started = Date.now();
    for (const qos of [0, 1, 2] as const) await pub.publishAsync(`q/${qos}`, `qos${qos}`, { qos });
    await settle(pub, subA, subB);
    timings.crossQos012Ms = Date.now() - started;
    for (const sub of [subA, subB]) {
      assert.deepEqual(texts(sub, 'q/'), ['qos0', 'qos1', 'qos2']);
      assert.deepEqual(sub.received.filter((m) => m.topic.startsWith('q/')).map((m) => m.packet.qos), [0, 1, 2]);
    }
    // and the other way round, A to B, at QoS 2
    const pubA = await nodeA.connect({ clientId: 'pub-a', protocolVersion: 4 });
    await pubA.publishAsync('q/back', 'from-a', { qos: 2 });
    await settle(pubA, subB, subA);
    assert.deepEqual(texts(subB, 'q/back'), ['from-a']);
    assert.deepEqual(texts(subA, 'q/back'), ['from-a']);
    for (const client of [subA, subB, pub, pubA]) await client.endAsync();
  });

  test('wildcards on node A match exactly the topics published on node B', async () => {
    const sub = await nodeA.connect({ clientId: 'wild-a', protocolVersion: 5 });
    await sub.subscribeAsync({ 'w/+/temp': { qos: 1 }, 'w/alarm/#': { qos: 1 }, 'sentinel/#': { qos: 1 } });
    const pub = await nodeB.connect({ clientId: 'wild-pub', protocolVersion: 5 });
    const topics = ['w/kitchen/temp', 'w/kitchen/humidity', 'w/kitchen/temp/raw', 'w/alarm', 'w/alarm/fire/floor1', 'x/alarm', 'w//temp'];
    for (const topic of topics) await pub.publishAsync(topic, topic, { qos: 1 });
    await settle(pub, sub);
    assert.deepEqual(texts(sub, 'w/').sort(), ['w//temp', 'w/alarm', 'w/alarm/fire/floor1', 'w/kitchen/temp'].sort());
    await sub.endAsync();
    await pub.endAsync();
  });

  test('a retained message published on node B is sent by node A to a later subscriber; clearing it on B clears it on A', async () => {
    const pub = await nodeB.connect({ clientId: 'ret-pub', protocolVersion: 5 });
    const started = Date.now();
    await pub.publishAsync('r/status', 'online', { qos: 1, retain: true });
    // node A learns of it through PostgreSQL's NOTIFY: eventually, within milliseconds
    await waitFor(() => nodeA.engine.retained.match('r/status', Date.now()).length === 1, 5000, 'node A to know the retained message');
    timings.retainedVisibleOnOtherNodeMs = Date.now() - started;
    const sub = await nodeA.connect({ clientId: 'ret-sub', protocolVersion: 5 });
    await sub.subscribeAsync('r/#', { qos: 1 });
    await waitFor(() => sub.received.length === 1, 3000, 'the retained message');
    assert.equal(sub.received[0]!.text, 'online');
    assert.equal(sub.received[0]!.packet.retain, true);

    await pub.publishAsync('r/status', '', { qos: 1, retain: true });
    await waitFor(() => nodeA.engine.retained.count() === 0, 5000, 'node A to forget the retained message');
    const late = await nodeA.connect({ clientId: 'ret-late', protocolVersion: 5 });
    await late.subscribeAsync(['r/#', 'sentinel/#'], { qos: 1 });
    await settle(pub, late);
    assert.deepEqual(texts(late, 'r/'), []);
    for (const client of [sub, late, pub]) await client.endAsync();
  });

  test('no fault was reported by either node', () => {
    assert.deepEqual(faults, []);
  });

  test('[MQTT-4.1.0-1] an offline persistent session on node A queues QoS 1 messages published on B, and resumes with them after node A restarts on PostgreSQL', async () => {
    const persistent = await offlineSubscriber('durable-a', 'd/#');
    const pub = await nodeB.connect({ clientId: 'durable-pub', protocolVersion: 5 });
    for (const text of ['one', 'two']) await pub.publishAsync('d/x', text, { qos: 1 });
    await waitFor(() => nodeA.engine.sessions.get('durable-a')?.state().queue.length === 2, 5000, 'node A to queue both messages');
    await pub.endAsync();

    const started = Date.now();
    await nodeA.close();
    nodeA = await startNode('node-a');
    timings.nodeRestartOnPostgresMs = Date.now() - started;
    const back = await nodeA.connect(persistent);
    assert.equal(back.connack.sessionPresent, true);
    await waitFor(() => back.received.length === 2, 3000, 'the queued messages');
    assert.deepEqual(back.received.map((m) => [m.text, m.packet.qos]), [['one', 1], ['two', 1]]);
    await back.endAsync();
  });

  test('write-ahead on PostgreSQL: PUBACK waits until the queue row of an offline session is committed', async () => {
    await offlineSubscriber('wal-sub', 'wal/#');
    const pub = await nodeA.connect({ clientId: 'wal-pub', protocolVersion: 5 });
    // another connection holds the messages table: node A's insert of the queue row waits for it
    const locker = new pg.Client(postgres.url);
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE mqdash_messages IN EXCLUSIVE MODE');
      let acked = false;
      const published = pub.publishAsync('wal/x', 'held', { qos: 1 }).then(() => (acked = true));
      const deadline = Date.now() + 5000;
      for (;;) {
        await locker.query('SELECT pg_stat_clear_snapshot()'); // else the transaction sees its first view again
        const { rows } = await locker.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO mqdash_messages%'");
        if (rows[0]!.n > 0) break;
        assert.ok(Date.now() < deadline, 'node A never wrote the queue row');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // a SUBACK on the same connection comes after any PUBACK sent before the insert began
      await pub.subscribeAsync('wal-roundtrip/none', { qos: 0 });
      assert.equal(acked, false, 'PUBACK sent before PostgreSQL had the queue row');
      await locker.query('COMMIT');
      await published;
    } finally {
      await locker.end();
    }
    const check = await PostgresSessionStore.open(postgres.url);
    try {
      const stored = (await check.loadSessions()).find((state) => state.clientId === 'wal-sub');
      assert.deepEqual(stored?.queue.map((entry) => entry.outgoing.message.payload.toString()), ['held']);
    } finally {
      await check.close();
    }
    await pub.endAsync();
  });

  test('hostile input on the bus channel is reported and dropped; the nodes keep routing', async () => {
    const sub = await nodeA.connect({ clientId: 'hostile-sub', protocolVersion: 5 });
    await sub.subscribeAsync(['h/#', 'sentinel/#'], { qos: 1 });
    const intruder = new Redis(redis.url);
    const bad = ['not json', '{}', JSON.stringify({ node: 'x', message: { topic: 'h/1', payload: 'text', qos: 1, retain: false, properties: {} } }), JSON.stringify({ node: 'x', message: { topic: 'h/1', payload: { $b64: '' }, qos: 7, retain: false, properties: {} } })];
    for (const text of bad) await intruder.publish('mqdash:bus', text);
    intruder.disconnect();
    await waitFor(() => faults.length === bad.length * 2, 5000, 'both nodes to report every bad message');
    assert.ok(faults.every((fault) => fault.includes('redis bus receive') && fault.includes('not a bus message')));
    const pub = await nodeB.connect({ clientId: 'hostile-pub', protocolVersion: 5 });
    await pub.publishAsync('h/ok', 'still routing', { qos: 1 });
    await settle(pub, sub);
    assert.deepEqual(texts(sub, 'h/'), ['still routing']);
    await sub.endAsync();
    await pub.endAsync();
  });

  test('after a Redis restart both nodes reconnect and messages cross again', async () => {
    const sub = await nodeA.connect({ clientId: 'rr-sub', protocolVersion: 5 });
    await sub.subscribeAsync(['rr/#', 'sentinel/#'], { qos: 2 });
    const pub = await nodeB.connect({ clientId: 'rr-pub', protocolVersion: 5 });
    const started = Date.now();
    await redis.restart();
    // routing resumes once both nodes' connections are back: probe until one crosses
    let probes = 0;
    await waitFor(
      () => {
        if (sub.received.some((m) => m.topic === 'rr/probe')) return true;
        if (probes++ % 20 === 0) void pub.publishAsync('rr/probe', 'probe', { qos: 0 });
        return false;
      },
      20_000,
      'a message to cross after the restart',
    );
    timings.redisRestartUntilRoutingMs = Date.now() - started;
    await pub.publishAsync('rr/after', 'after', { qos: 1 });
    await settle(pub, sub);
    assert.deepEqual(texts(sub, 'rr/after'), ['after']);
    assert.equal(sub.connected && pub.connected, true, 'the MQTT clients never noticed');
    await sub.endAsync();
    await pub.endAsync();
  });

  test('after a PostgreSQL restart the nodes store again and a retained change reaches the other node again', async () => {
    const pub = await nodeB.connect({ clientId: 'pr-pub', protocolVersion: 5 });
    await postgres.restart();
    const started = Date.now();
    await pub.publishAsync('pr/status', 'after-restart', { qos: 1, retain: true });
    // node B writes it (again, if the first try met a connection cut by the restart) and node A's
    // notifications, listening again after a full reload, bring it over: node A's tree changes only
    // from the table, so the row is in PostgreSQL by then, as a store opened now shows
    await waitFor(() => nodeA.engine.retained.match('pr/status', Date.now()).length === 1, 15_000, 'node A to know the retained message');
    timings.postgresRestartUntilRetainedSharedMs = Date.now() - started;
    const check = await PostgresSessionStore.open(postgres.url);
    try {
      assert.deepEqual(check.retained.match('pr/#', Date.now()).map((m) => m.payload.toString()), ['after-restart']);
    } finally {
      await check.close();
    }
    await pub.endAsync();
  });
});
