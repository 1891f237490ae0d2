/** SUBSCRIBE/SUBACK, UNSUBSCRIBE/UNSUBACK, topic matching and shared subscriptions (MQTT 5 §3.8–3.11, §4.7, §4.8). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, waitFor, type TestClient, type TestServer } from './helpers.ts';

let server: TestServer;

before(async () => {
  server = await startEngine({
    hooks: { authorizeSubscribe: (_client, subscription) => (subscription.topicFilter.startsWith('secret/') ? 0x87 : subscription.qos) },
  });
});
after(async () => {
  await server?.close();
});

/** Publishes with a QoS 1 round trip per message, then proves the subscriber has caught up. */
async function publishAll(publisher: TestClient, subscriber: TestClient, messages: [string, string][]): Promise<void> {
  for (const [topic, text] of messages) await publisher.publishAsync(topic, text, { qos: 1 });
  await subscriber.subscribeAsync(`sync/${subscriber.options.clientId}`, { qos: 0 });
}

describe('SUBACK reason codes', () => {
  test('[MQTT-3.8.4-1, 3.8.4-6, 3.9.3-1] one SUBACK code per filter: granted QoS, 0x8F invalid filter, 0x87 refused', async () => {
    const raw = await server.raw(5);
    await raw.connect('suback-5');
    const suback = await raw.subscribeAll(
      [
        { topic: 'ok/+', qos: 1 },
        { topic: 'bad/#/x', qos: 1 },
        { topic: 'bad+', qos: 0 },
        { topic: 'secret/x', qos: 2 },
        { topic: '$share/g+/x', qos: 0 },
        { topic: 'ok/#', qos: 2 },
      ],
      { messageId: 3 },
    );
    assert.equal(suback.messageId, 3);
    assert.deepEqual(suback.granted, [1, 0x8f, 0x8f, 0x87, 0x8f, 2]);
    raw.close();
  });

  test('3.1.1: a refused filter gets 0x80', async () => {
    const raw = await server.raw(4);
    await raw.connect('suback-4');
    const suback = await raw.subscribeAll([{ topic: 'secret/y', qos: 1 }, { topic: 'fine', qos: 1 }]);
    assert.deepEqual(suback.granted, [0x80, 1]);
    raw.close();
  });

  test('3.1.1 [MQTT-4.7.1-2, 4.7.3-1, 4.8.0-1]: an invalid or empty filter is a protocol violation and closes the connection', async () => {
    for (const topic of ['a/#/b', 'a+/b', '']) {
      const raw = await server.raw(4);
      await raw.connect(`suback-4-invalid`);
      raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'fine', qos: 1 }, { topic, qos: 0 }] });
      await raw.whenClosed();
      assert.equal(raw.packets.filter((p) => p.cmd === 'suback').length, 0, `no SUBACK for ${JSON.stringify(topic)}`);
    }
  });
});

test('MQTT 5 §3.8.2.1.2: a Subscription Identifier of 0 is a protocol error', async () => {
  const raw = await server.raw(5);
  await raw.connect('subid-zero');
  raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'z', qos: 0 }], properties: { subscriptionIdentifier: 0 } });
  assert.equal(await raw.disconnectReason(), 0x82);
});

describe('topic matching', () => {
  test('[MQTT-4.7.1-1, 4.7.1-2] + matches one level, # any number including the parent', async () => {
    const sub = await server.connect({ clientId: 'wild-sub' });
    await sub.subscribeAsync(['m/+/c', 'n/#'], { qos: 1 });
    const pub = await server.connect({ clientId: 'wild-pub' });
    await publishAll(pub, sub, [
      ['m/b/c', '1'],
      ['m/b/x/c', 'no'],
      ['m//c', '2'],
      ['n', '3'],
      ['n/x/y', '4'],
      ['nn', 'no'],
    ]);
    assert.deepEqual(sub.received.map((m) => m.text), ['1', '2', '3', '4']);
    pub.end();
    sub.end();
  });

  test('[MQTT-4.7.2-1] filters starting with a wildcard do not match topics starting with $', async () => {
    const sub = await server.connect({ clientId: 'dollar-sub' });
    await sub.subscribeAsync(['#', '+/info', '$SYS/#'], { qos: 1 });
    const pub = await server.connect({ clientId: 'dollar-pub' });
    await pub.publishAsync('$SYS/info', 'sys', { qos: 1 });
    await waitFor(() => sub.received.length === 1);
    await sub.subscribeAsync('sync/dollar', { qos: 0 });
    assert.deepEqual(sub.received.map((m) => m.text), ['sys']);
    pub.end();
    sub.end();
  });

  test('[MQTT-3.3.4-2, 3.3.4-3, 3.3.4-4] overlapping subscriptions: one delivery at the highest QoS with every subscription identifier', async () => {
    const raw = await server.raw(5);
    await raw.connect('overlap');
    raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'ov/+', qos: 0 }], properties: { subscriptionIdentifier: 11 } });
    await raw.next('suback');
    raw.send({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'ov/#', qos: 1 }], properties: { subscriptionIdentifier: 22 } });
    await raw.next('suback');
    const pub = await server.connect({ clientId: 'overlap-pub', protocolVersion: 5 });
    await pub.publishAsync('ov/x', 'once', { qos: 2 });
    const p = await raw.next('publish');
    assert.equal(p.qos, 1);
    assert.deepEqual([p.properties?.subscriptionIdentifier].flat().sort(), [11, 22]);
    raw.send({ cmd: 'puback', messageId: p.messageId });
    assert.equal(await raw.receivedBeforePing('publish'), false);
    pub.end();
    raw.close();
  });

  test('[MQTT-3.8.4-3] subscribing again to the same filter replaces the subscription', async () => {
    const sub = await server.connect({ clientId: 'replace-sub' });
    await sub.subscribeAsync('rep', { qos: 2 });
    await sub.subscribeAsync('rep', { qos: 0 });
    assert.equal(server.engine.sessions.get('replace-sub')!.subscriptions.size, 1);
    const pub = await server.connect({ clientId: 'replace-pub' });
    await publishAll(pub, sub, [['rep', 'x']]);
    assert.equal(sub.received.length, 1);
    assert.equal(sub.received[0]!.packet.qos, 0);
    pub.end();
    sub.end();
  });
});

describe('subscription options', () => {
  test('[MQTT-3.8.3-3] No Local: a client does not receive its own messages', async () => {
    const client = await server.connect({ clientId: 'nolocal', protocolVersion: 5 });
    await client.subscribeAsync('nl/mine', { qos: 1, nl: true });
    await client.subscribeAsync('nl/echo', { qos: 1 });
    await client.publishAsync('nl/mine', 'not me', { qos: 1 });
    await client.publishAsync('nl/echo', 'echo', { qos: 1 });
    await waitFor(() => client.received.length === 1);
    await client.subscribeAsync('sync/nl', { qos: 0 });
    assert.deepEqual(client.received.map((m) => m.text), ['echo']);
    client.end();
  });

  test('[MQTT-3.3.1-9, 3.3.1-10, 3.3.1-11] Retain Handling 0 always, 1 only for a new subscription, 2 never', async () => {
    const pub = await server.connect({ clientId: 'rh-pub', protocolVersion: 5 });
    await pub.publishAsync('rh/t', 'kept', { qos: 1, retain: true });
    const sub = await server.connect({ clientId: 'rh-sub', protocolVersion: 5 });
    const count = async (filter: string, rh: 0 | 1 | 2) => {
      const before = sub.received.length;
      await sub.subscribeAsync(filter, { qos: 1, rh });
      await sub.subscribeAsync('sync/rh', { qos: 0 });
      return sub.received.length - before;
    };
    assert.equal(await count('rh/t', 0), 1);
    assert.equal(await count('rh/t', 0), 1, 'again for an existing subscription');
    assert.equal(await count('rh/+', 1), 1, 'new subscription');
    assert.equal(await count('rh/+', 1), 0, 'existing subscription');
    assert.equal(await count('rh/#', 2), 0);
    pub.end();
    sub.end();
  });
});

describe('UNSUBSCRIBE', () => {
  test('[MQTT-3.10.4-4, 3.11.3-1] UNSUBACK carries 0x00 or 0x11 per filter and deliveries stop', async () => {
    const raw = await server.raw(5);
    await raw.connect('unsub');
    await raw.subscribe('un/a', 0);
    raw.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['un/a', 'un/never'] });
    const unsuback = await raw.next('unsuback');
    assert.equal(unsuback.messageId, 2);
    assert.deepEqual(unsuback.granted, [0x00, 0x11]);
    const pub = await server.connect({ clientId: 'unsub-pub' });
    await pub.publishAsync('un/a', 'after', { qos: 1 });
    assert.equal(await raw.receivedBeforePing('publish'), false);
    pub.end();
    raw.close();
  });
});

describe('shared subscriptions', () => {
  test('MQTT 5 §4.8.2: $share/{group}/{filter}: one delivery per group, spread over the members in turn at their granted QoS [MQTT-4.8.2-3]', async () => {
    const a = await server.connect({ clientId: 'share-a', protocolVersion: 5 });
    const b = await server.connect({ clientId: 'share-b', protocolVersion: 5 });
    const plain = await server.connect({ clientId: 'share-plain', protocolVersion: 5 });
    await a.subscribeAsync('$share/g1/work/+', { qos: 1 });
    await b.subscribeAsync('$share/g1/work/+', { qos: 1 });
    await plain.subscribeAsync('work/+', { qos: 1 });
    const pub = await server.connect({ clientId: 'share-pub', protocolVersion: 5 });
    for (let i = 0; i < 6; i++) await pub.publishAsync('work/item', `${i}`, { qos: 1 });
    await waitFor(() => a.received.length + b.received.length === 6 && plain.received.length === 6);
    assert.equal(a.received.length, 3);
    assert.equal(b.received.length, 3);
    const all = [...a.received, ...b.received].map((m) => m.text).sort();
    assert.deepEqual(all, ['0', '1', '2', '3', '4', '5']);
    for (const c of [a, b, plain, pub]) c.end();
  });

  test('a group whose members are partly offline delivers to the online ones; shared subscriptions get no retained messages', async () => {
    const pub = await server.connect({ clientId: 'share2-pub', protocolVersion: 5 });
    await pub.publishAsync('job/x', 'retained', { qos: 1, retain: true });
    const online = await server.connect({ clientId: 'share2-on', protocolVersion: 5 });
    await online.subscribeAsync('$share/g2/job/#', { qos: 1 });
    const away = await server.connect({ clientId: 'share2-off', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 60 } });
    await away.subscribeAsync('$share/g2/job/#', { qos: 1 });
    away.end();
    await waitFor(() => !server.engine.connections.has('share2-off'));
    for (let i = 0; i < 4; i++) await pub.publishAsync('job/x', `${i}`, { qos: 1 });
    await waitFor(() => online.received.length === 4);
    assert.deepEqual(online.received.map((m) => m.text), ['0', '1', '2', '3']);
    assert.equal(server.engine.sessions.get('share2-off')!.backlog, 0);
    online.end();
    pub.end();
  });

  test('a group with no member online queues each message for the next member in turn, delivered when it returns', async () => {
    const pub = await server.connect({ clientId: 'share3-pub', protocolVersion: 5 });
    const members = ['share3-a', 'share3-b'];
    for (const clientId of members) {
      const member = await server.connect({ clientId, protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 60 } });
      await member.subscribeAsync('$share/g3/work/#', { qos: 1 });
      member.end();
      await waitFor(() => !server.engine.connections.has(clientId));
    }
    for (let i = 0; i < 4; i++) await pub.publishAsync('work/x', `${i}`, { qos: 1 });
    // one copy per message for the group, alternating over its members
    assert.deepEqual(members.map((id) => server.engine.sessions.get(id)!.backlog), [2, 2]);
    const back = await Promise.all(members.map((clientId) => server.connect({ clientId, protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 60 } })));
    await waitFor(() => back.every((c) => c.received.length === 2));
    assert.deepEqual(back.flatMap((c) => c.received.map((m) => m.text)).sort(), ['0', '1', '2', '3']);
    for (const c of back) c.end();
    pub.end();
  });

  test('MQTT 5 §4.8.2: a client with a shared and a non-shared subscription gets a copy for each', async () => {
    const both = await server.connect({ clientId: 'share-both', protocolVersion: 5 });
    await both.subscribeAsync('$share/g3/dual/t', { qos: 1 });
    await both.subscribeAsync('dual/t', { qos: 1 });
    const pub = await server.connect({ clientId: 'share-both-pub', protocolVersion: 5 });
    await pub.publishAsync('dual/t', 'x', { qos: 1 });
    await waitFor(() => both.received.length === 2);
    both.end();
    pub.end();
  });

  test('[MQTT-3.8.3-4] No Local on a shared subscription is a protocol error', async () => {
    const raw = await server.raw(5);
    await raw.connect('share-nl');
    raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$share/g/x', qos: 0, nl: true }] });
    assert.equal(await raw.disconnectReason(), 0x82);
  });
});
