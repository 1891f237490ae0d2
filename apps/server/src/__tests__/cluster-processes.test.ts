/**
 * Issue 11, wired: two real server processes (apps/server entry) with DATABASE_URL and REDIS_URL
 * on one throwaway PostgreSQL and one redis-server (real, on free ports), each with its own data
 * folder and NODE_NAME. Real mqtt.js clients: subscribers on node A, publishers on node B.
 *
 * "No duplicate": a sentinel published last at QoS 2 by the same publisher; once it has arrived,
 * every earlier message (and any duplicate) has too (Redis and MQTT keep one publisher's order).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { createBroker } from '@mqdash/broker';
import { startPostgres, startRedis, type Service } from '../../../../packages/broker/src/cluster/__tests__/services.ts';
import { api, freePort, login, sleep, spawnServer, type ServerProcess } from './server-process.ts';

const ADMIN_PASSWORD = 'cluster-processes-admin-pw';

interface Node { name: string; server: ServerProcess; mqttPort: number; httpPort: number; dataDir: string }

let postgres: Service;
let redis: Service;
const nodes: Node[] = [];
const clients: MqttClient[] = [];
const timings: Record<string, number> = {};

async function startNode(name: string): Promise<Node> {
  const [mqttPort, httpPort] = [await freePort(), await freePort()];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `mqdash-${name}-`));
  const server = spawnServer({
    dataDir, mqttPort, httpPort, adminPassword: ADMIN_PASSWORD,
    env: { DATABASE_URL: postgres.url, REDIS_URL: redis.url, NODE_NAME: name, MQDASH_ENGINE: '' },
  });
  const node = { name, server, mqttPort, httpPort, dataDir };
  nodes.push(node);
  await server.listening();
  return node;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const readyz = async (node: Node) => (await fetch(`http://127.0.0.1:${node.httpPort}/readyz`)).status;

interface Received { topic: string; text: string; qos: number; retain: boolean }

function connect(node: Node, clientId: string, opts: IClientOptions = {}): Promise<MqttClient & { received: Received[] }> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect({ host: '127.0.0.1', port: node.mqttPort, clientId, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10_000, ...opts }) as MqttClient & { received: Received[] };
    c.received = [];
    clients.push(c);
    c.on('message', (topic, payload, packet) => c.received.push({ topic, text: payload.toString(), qos: packet.qos, retain: packet.retain }));
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

async function settle(publisher: MqttClient, ...subscribers: Array<{ received: Received[] }>): Promise<void> {
  const marker = `end-${Math.random()}`;
  await publisher.publishAsync('sentinel/end', marker, { qos: 2 });
  for (const s of subscribers) await waitFor(() => s.received.some((m) => m.text === marker), 5000, 'the sentinel');
}

const texts = (c: { received: Received[] }, prefix: string) => c.received.filter((m) => m.topic.startsWith(prefix)).map((m) => m.text);

before(async () => {
  const started = Date.now();
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  timings.servicesMs = Date.now() - started;
  const nodesStarted = Date.now();
  await Promise.all([startNode('node-a'), startNode('node-b')]);
  timings.nodesListeningMs = Date.now() - nodesStarted;
});

after(async () => {
  for (const c of clients) c.end(true);
  await Promise.all(nodes.map((n) => n.server.kill('SIGTERM')));
  for (const n of nodes) fs.rmSync(n.dataDir, { recursive: true, force: true });
  await Promise.all([postgres?.stop(), redis?.stop()]);
  console.log('cluster two-process timings (ms):', timings);
});

const [a, b] = [() => nodes.find((n) => n.name === 'node-a')!, () => nodes.find((n) => n.name === 'node-b')!];

describe('two server processes on PostgreSQL and Redis', () => {
  test('both nodes are ready, with PostgreSQL and Redis checked', async () => {
    await waitFor(async () => (await readyz(a())) === 200 && (await readyz(b())) === 200, 10_000, 'both nodes ready');
    for (const node of nodes) assert.doesNotMatch(node.server.output(), /"level":(50|60)/, `${node.name} logged no error: ${node.server.output()}`);
  });

  test('QoS 0 and 1 published on node B reach a subscriber on node A once each, with their QoS', async () => {
    const sub = await connect(a(), 'sub-a');
    await sub.subscribeAsync(['q/#', 'sentinel/#'], { qos: 2 });
    const pub = await connect(b(), 'pub-b');
    const started = Date.now();
    await pub.publishAsync('q/0', 'qos0', { qos: 0 });
    await pub.publishAsync('q/1', 'qos1', { qos: 1 });
    await settle(pub, sub);
    timings.crossNodeQos01Ms = Date.now() - started;
    assert.deepEqual(texts(sub, 'q/'), ['qos0', 'qos1']);
    assert.deepEqual(sub.received.filter((m) => m.topic.startsWith('q/')).map((m) => m.qos), [0, 1]);
    // Each session says which node it connected on (registry, describe and list).
    const token = await login(a().httpPort, ADMIN_PASSWORD);
    const described = await api(a().httpPort, { action: 'describeMqSessions', params: { clientNames: ['sub-a'] }, authToken: token });
    assert.equal(described.result.data[0].nodeName, 'node-a', JSON.stringify(described));
    const listed = await api(b().httpPort, { action: 'listMqSessions', params: { partialClientName: 'pub-b' }, authToken: await login(b().httpPort, ADMIN_PASSWORD) });
    assert.deepEqual(listed.result.data.map((r: { clientName: string; nodeName: string }) => [r.clientName, r.nodeName]), [['pub-b', 'node-b']]);
    await sub.endAsync();
    await pub.endAsync();
  });

  test('a retained message published on node B is sent by node A to a later subscriber', async () => {
    const pub = await connect(b(), 'ret-pub');
    const started = Date.now();
    await pub.publishAsync('r/status', 'online', { qos: 1, retain: true });
    const sub = await connect(a(), 'ret-sub');
    // Node A learns of it through PostgreSQL's NOTIFY: subscribe again until it is there.
    await waitFor(async () => {
      await sub.subscribeAsync('r/#', { qos: 1 });
      await waitFor(() => sub.received.length > 0, 200, 'retained').catch(() => undefined);
      if (sub.received.length === 0) await sub.unsubscribeAsync('r/#');
      return sub.received.length > 0;
    }, 5000, 'the retained message on node A');
    timings.retainedOnOtherNodeMs = Date.now() - started;
    // (a late answer to an earlier SUBSCRIBE of the loop may bring it once more: each copy is the retained message)
    for (const m of sub.received) assert.deepEqual([m.topic, m.text, m.retain], ['r/status', 'online', true]);
    await sub.endAsync();
    await pub.endAsync();
  });

  test('an offline persistent session on node A queues QoS 1 messages published on node B and resumes with them on node A', async () => {
    const opts: IClientOptions = { clean: false, properties: { sessionExpiryInterval: 3600 } };
    const first = await connect(a(), 'persist-a', opts);
    await first.subscribeAsync(['p/#', 'sentinel/#'], { qos: 1 });
    await first.endAsync();
    const pub = await connect(b(), 'persist-pub');
    for (let i = 0; i < 5; i++) await pub.publishAsync(`p/${i}`, `m${i}`, { qos: 1 });
    await pub.publishAsync('sentinel/end', 'last', { qos: 1 });
    // Queued on node A (routed there by Redis, stored in PostgreSQL): it comes back with them.
    const again = await connect(a(), 'persist-a', opts);
    await waitFor(() => again.received.some((m) => m.text === 'last'), 5000, 'the queued messages');
    assert.deepEqual(texts(again, 'p/'), ['m0', 'm1', 'm2', 'm3', 'm4']);
    await again.endAsync();
    await pub.endAsync();
  });

  test('/readyz turns 503 on both nodes while Redis is down and 200 once it is back; messages cross again', async () => {
    redis.process.kill('SIGTERM');
    await waitFor(async () => (await readyz(a())) === 503 && (await readyz(b())) === 503, 10_000, 'both nodes not ready');
    const down = Date.now();
    await redis.restart();
    await waitFor(async () => (await readyz(a())) === 200 && (await readyz(b())) === 200, 15_000, 'both nodes ready again');
    timings.readyAfterRedisRestartMs = Date.now() - down;
    const sub = await connect(a(), 'after-redis');
    await sub.subscribeAsync(['q/#', 'sentinel/#'], { qos: 1 });
    const pub = await connect(b(), 'after-redis-pub');
    await pub.publishAsync('q/again', 'again', { qos: 1 });
    await settle(pub, sub);
    assert.deepEqual(texts(sub, 'q/'), ['again']);
  });

  test('a node that cannot reach PostgreSQL does not start, naming DATABASE_URL', async () => {
    const closed = await freePort();
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-nopg-'));
    try {
      const server = spawnServer({ dataDir, mqttPort, httpPort, adminPassword: ADMIN_PASSWORD, env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/x`, REDIS_URL: redis.url } });
      assert.equal(await server.exited, 1);
      assert.match(server.output(), /could not open DATABASE_URL/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a broker whose REDIS_URL cannot be reached does not start, naming REDIS_URL', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-noredis-'));
    try {
      const closed = await freePort();
      await assert.rejects(
        createBroker({ dataDir, databaseFile: ':memory:', adminPassword: ADMIN_PASSWORD, logger: pino({ level: 'silent' }), databaseUrl: postgres.url, redisUrl: `redis://127.0.0.1:${closed}` }),
        /could not open REDIS_URL/,
      );
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('listNodes on either node shows both nodes up, since when, with their MQTT connections', async () => {
    const held = [await connect(b(), 'count-b-1'), await connect(b(), 'count-b-2')];
    const token = await login(a().httpPort, ADMIN_PASSWORD);
    const listNodes = async () => (await api(a().httpPort, { action: 'listNodes', params: {}, authToken: token })).result;
    // node B tells its connections at its next heartbeat (every 2 s)
    await waitFor(async () => (await listNodes()).data.find((n: { name: string }) => n.name === 'node-b')?.connections >= 2, 10_000, 'node B\'s connections on node A');
    const r = await listNodes();
    assert.equal(r.nodeName, 'node-a');
    assert.equal(r.clustered, true);
    assert.deepEqual(r.data.map((n: { name: string; up: boolean; self: boolean }) => [n.name, n.up, n.self]), [['node-a', true, true], ['node-b', true, false]]);
    for (const n of r.data) assert.ok(Date.now() - Date.parse(n.since) < 5 * 60_000 && Date.parse(n.since) <= Date.now(), n.since);
    const viaBff = await fetch(`http://127.0.0.1:${b().httpPort}/bff/nodes`);
    assert.equal(viaBff.status, 401, 'the BFF route needs a login');
    for (const c of held) await c.endAsync();
  });

  test('a node killed with SIGKILL is shown down by the other within 10 s', async () => {
    const token = await login(a().httpPort, ADMIN_PASSWORD);
    await b().server.kill('SIGKILL');
    const killed = Date.now();
    await waitFor(async () => {
      const r = await api(a().httpPort, { action: 'listNodes', params: {}, authToken: token });
      const nodeB = r.result.data.find((n: { name: string }) => n.name === 'node-b');
      return nodeB?.up === false && nodeB.connections === 0;
    }, 10_000, 'node B down on node A');
    timings.nodeDownSeenMs = Date.now() - killed;
  });
});
