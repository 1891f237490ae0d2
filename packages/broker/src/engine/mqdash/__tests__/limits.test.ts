/**
 * Overload limits (issue 10): connections (0x89), CONNECT rate (0x9F), a client's publish rate
 * (0x96) and bytes per second (0x97), subscriptions per client (SUBACK 0x97) and bytes queued per
 * session (oldest dropped, queue_full). Raw mqtt-packet clients against a real listener; each rate
 * test shows other clients are still served while one is over its limit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createBroker } from '../../../broker.ts';
import { parseOverloadLimits } from '../../overload-limits.ts';
import { RateLimit } from '../rate-limit.ts';
import type { DropReason } from '../types.ts';
import { RawClient, persistent, startEngine, waitFor, type TestServer } from './helpers.ts';

/** PUBLISH of `bytes` payload bytes. */
const publish = (topic: string, bytes: number, qos: 0 | 1 = 0, messageId?: number) =>
  ({ cmd: 'publish' as const, topic, payload: Buffer.alloc(bytes, 0x61), qos, retain: false, dup: false, ...(messageId !== undefined && { messageId }) });

/** The PUBLISHes a raw client has received (and not taken with `next`). */
const publishesOf = (client: RawClient) => client.packets.filter((p) => p.cmd === 'publish');

describe('connections and subscriptions', () => {
  let server: TestServer;
  before(async () => {
    server = await startEngine({ maxConnections: 2, maxSubscriptionsPerClient: 2 });
  });
  after(async () => {
    await server?.close();
  });

  test('a CONNECT beyond maxConnections gets 0x89 Server busy (3.1.1: return code 3); a takeover is still let in', async () => {
    const a = await server.raw(5);
    await a.connect('limit-a');
    const b = await server.raw(5);
    await b.connect('limit-b');
    const c5 = await server.raw(5);
    assert.equal((await c5.connect('limit-c')).reasonCode, 0x89);
    await c5.whenClosed();
    const c4 = await server.raw(4);
    assert.equal((await c4.connect('limit-c4')).returnCode, 3);
    await c4.whenClosed();
    const again = await server.raw(5);
    assert.equal((await again.connect('limit-a')).reasonCode, 0);
    assert.equal(await a.disconnectReason(), 0x8e);
    again.close();
    b.close();
    await waitFor(() => server.engine.connections.size === 0, 3000, 'both to close');
  });

  test('subscriptions beyond maxSubscriptionsPerClient get SUBACK 0x97 Quota exceeded; replacing one is allowed', async () => {
    const raw = await server.raw(5);
    await raw.connect('limit-subs');
    const suback = await raw.subscribeAll([
      { topic: 'q/1', qos: 0 },
      { topic: 'q/2', qos: 1 },
      { topic: 'q/3', qos: 1 },
      { topic: 'q/1', qos: 2 },
    ]);
    assert.deepEqual(suback.granted, [0, 1, 0x97, 2]);
    raw.close();
    await waitFor(() => server.engine.connections.size === 0, 3000, 'the close');
  });
});

test('RateLimit: a burst of one second, refilled at the rate; an amount above the rate needs a full bucket and leaves a debt', () => {
  let now = 0;
  const limit = new RateLimit(3, () => now);
  assert.deepEqual([limit.take(), limit.take(), limit.take(), limit.take()], [true, true, true, false]);
  now += 300; // 0.9 tokens: not yet one
  assert.equal(limit.take(), false);
  now += 40;
  assert.equal(limit.take(), true);
  const bytes = new RateLimit(1000, () => now);
  assert.equal(bytes.take(600), true);
  assert.equal(bytes.take(600), false); // 400 left
  now += 600; // full again
  assert.equal(bytes.take(2500), true); // larger than a second's budget: passes once, 1500 in debt
  now += 2000; // 500 tokens
  assert.equal(bytes.take(600), false);
  now += 100;
  assert.equal(bytes.take(600), true);
});

describe('CONNECT rate', () => {
  let server: TestServer;
  before(async () => {
    server = await startEngine({ maxConnectRate: 3 });
  });
  after(async () => {
    await server?.close();
  });

  test('CONNECTs beyond maxConnectRate get CONNACK 0x9F Connection rate exceeded (3.1.1: 3) and the close; connected clients stay served', async () => {
    const served = await server.raw(5);
    await served.connect('rate-served');
    await served.subscribe('rate/served', 0);
    const started = Date.now();
    const attempts = await Promise.all(Array.from({ length: 8 }, async (_, i) => {
      const raw = await server.raw(i % 2 === 0 ? 5 : 4);
      const connack = await raw.connect(`rate-${i}`);
      return { raw, code: raw.protocolVersion === 5 ? connack.reasonCode : connack.returnCode, v5: raw.protocolVersion === 5 };
    }));
    const elapsedSeconds = (Date.now() - started) / 1000;
    const accepted = attempts.filter((a) => a.code === 0);
    const refused = attempts.filter((a) => a.code !== 0);
    // the burst is 3 (1 taken by rate-served), refilled at 3/s while the attempts ran
    assert.ok(accepted.length <= 2 + Math.ceil(elapsedSeconds * 3), `${accepted.length} accepted in ${elapsedSeconds} s`);
    assert.ok(refused.length >= 1);
    for (const r of refused) {
      assert.equal(r.code, r.v5 ? 0x9f : 3);
      await r.raw.whenClosed();
    }
    // the connected client is still served while new ones are refused
    served.send(publish('rate/served', 10));
    await served.next('publish');
    // once the second has passed, CONNECTs are let in again
    await waitFor(() => Date.now() - started > 1000, 3000, 'the refill');
    const later = await server.raw(5);
    assert.equal((await later.connect('rate-later')).reasonCode, 0);
    for (const a of [...accepted.map((x) => x.raw), served, later]) a.close();
    await waitFor(() => server.engine.connections.size === 0, 3000, 'the closes');
  });
});

describe('publish rates', () => {
  let server: TestServer;
  const rejected: number[] = [];
  before(async () => {
    server = await startEngine({ maxPublishRate: 5, maxPublishBytesRate: 1000, hooks: { onDisconnect: (_c, code) => rejected.push(code) } });
  });
  after(async () => {
    await server?.close();
  });

  test('a client over maxPublishRate gets DISCONNECT 0x96 Message rate too high; what it sent beyond is not routed; another publisher is still served', async () => {
    const sub = await server.raw(5);
    await sub.connect('pr-sub');
    await sub.subscribe('pr/#', 0);
    const flood = await server.raw(5);
    await flood.connect('pr-flood');
    const calm = await server.raw(5);
    await calm.connect('pr-calm');
    for (let i = 0; i < 30; i++) flood.send(publish('pr/flood', 10));
    assert.equal(await flood.disconnectReason(), 0x96);
    calm.send(publish('pr/calm', 10));
    await waitFor(() => publishesOf(sub).some((p) => p.cmd === 'publish' && p.topic === 'pr/calm'), 3000, "the calm client's message");
    await sub.sync();
    const fromFlood = publishesOf(sub).filter((p) => p.cmd === 'publish' && p.topic === 'pr/flood').length;
    assert.ok(fromFlood >= 5 && fromFlood <= 6, `${fromFlood} of the flood's 30 messages routed`);
    sub.close();
    calm.close();
  });

  test('a 3.1.1 client over maxPublishRate is closed (no DISCONNECT in 3.1.1)', async () => {
    const flood = await server.raw(4);
    await flood.connect('pr-flood4');
    for (let i = 0; i < 30; i++) flood.send(publish('pr/flood4', 10));
    await flood.whenClosed();
    assert.equal(flood.packets.some((p) => p.cmd === 'disconnect'), false);
    await waitFor(() => rejected.filter((c) => c === 0x96).length === 2, 3000, 'the onDisconnect hook');
  });

  test('a client over maxPublishBytesRate gets DISCONNECT 0x97 Quota exceeded; another client publishing as much is served', async () => {
    const sub = await server.raw(5);
    await sub.connect('pb-sub');
    await sub.subscribe('pb/#', 1);
    const big = await server.raw(5);
    await big.connect('pb-big');
    big.send(publish('pb/big', 600, 1, 1));
    assert.equal((await big.next('puback')).messageId, 1);
    big.send(publish('pb/big', 600, 1, 2)); // 1,200 bytes within a second of a 1,000 bytes/s budget
    assert.equal(await big.disconnectReason(), 0x97);
    const other = await server.raw(5);
    await other.connect('pb-other');
    other.send(publish('pb/other', 600, 1, 1));
    assert.equal((await other.next('puback')).reasonCode, 0);
    await waitFor(() => publishesOf(sub).length === 2, 3000, 'both accepted messages');
    assert.deepEqual(publishesOf(sub).map((p) => p.cmd === 'publish' && p.topic), ['pb/big', 'pb/other']);
    sub.close();
    other.close();
    await waitFor(() => server.engine.connections.size === 0, 3000, 'the closes');
  });
});

test('maxQueuedBytes: beyond it the oldest queued messages are dropped (queue_full); a message larger than the limit is not queued', async () => {
  const drops: DropReason[] = [];
  const server = await startEngine({ maxQueuedBytes: 1000, hooks: { onDrop: (_id, reason) => drops.push(reason) } });
  try {
    const sub = await server.raw(5);
    await sub.connect('qb-sub', persistent);
    await sub.subscribe('qb/#', 1);
    sub.close();
    await waitFor(() => server.engine.connections.size === 0, 3000, 'the subscriber to go offline');
    const pub = await server.raw(5);
    await pub.connect('qb-pub');
    for (let i = 1; i <= 4; i++) {
      pub.send({ ...publish(`qb/${i}`, 400, 1, i) });
      await pub.next('puback');
    }
    assert.deepEqual(drops, ['queue_full', 'queue_full']); // 4 × 400 bytes into 1,000: the two oldest go
    pub.send(publish('qb/huge', 1001, 1, 5));
    await pub.next('puback');
    assert.deepEqual(drops, ['queue_full', 'queue_full', 'queue_full']);
    assert.equal(server.engine.sessions.get('qb-sub')!.backlog, 2);
    const back = await server.raw(5);
    assert.equal((await back.connect('qb-sub', persistent)).sessionPresent, true);
    await waitFor(() => publishesOf(back).length === 2, 3000, 'the queued messages');
    assert.deepEqual(publishesOf(back).map((p) => p.cmd === 'publish' && p.topic), ['qb/3', 'qb/4']);
    back.close();
    pub.close();
  } finally {
    await server.close();
  }
});

describe('limits through createBroker', () => {
  test('mqtt.limits is validated: the error names the property and the problem', () => {
    assert.deepEqual(parseOverloadLimits(undefined), {});
    assert.throws(() => parseOverloadLimits({ maxPublishRate: -1 }), /^Error: mqtt\.limits\.maxPublishRate: must be 0 \(no limit\) or more$/);
    assert.throws(() => parseOverloadLimits({ maxConnectRate: 1.5 }), /mqtt\.limits\.maxConnectRate: must be a whole number/);
    assert.throws(() => parseOverloadLimits({ maxConections: 3 }), /mqtt\.limits: .*maxConections/);
  });

  test('the own engine applies mqtt.limits from createBroker (maxConnections)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-limits-'));
    const broker = await createBroker({
      dataDir, adminPassword: 'limits-admin-pw', logger: pino({ level: 'silent' }),
      mqtt: { engine: 'mqdash', durable: false, limits: { maxConnections: 1, maxConnectRate: 0 } },
    });
    try {
      const server = await broker.listenMqtt(0, '127.0.0.1');
      const { port } = server.address() as net.AddressInfo;
      const a = await RawClient.open(port, 5);
      assert.equal((await a.connect('cb-a')).reasonCode, 0);
      const b = await RawClient.open(port, 5);
      assert.equal((await b.connect('cb-b')).reasonCode, 0x89);
      a.close();
      b.close();
    } finally {
      await broker.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
