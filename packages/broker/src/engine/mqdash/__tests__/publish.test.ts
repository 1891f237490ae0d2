/** PUBLISH QoS 0/1/2 in and out, retained messages and message expiry (MQTT 5 §3.3–3.7, §4.3). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, startEngine, waitFor, type TestServer } from './helpers.ts';

let server: TestServer;

before(async () => {
  server = await startEngine();
});
after(async () => {
  await server?.close();
});

describe('QoS flows', () => {
  test('[MQTT-4.3.1-1, 4.3.2-1, 4.3.3-1] QoS 0, 1 and 2 reach a subscriber at the granted QoS', async () => {
    const sub = await server.connect({ clientId: 'qos-sub' });
    await sub.subscribeAsync('qos/+', { qos: 2 });
    const got = collect(sub);
    const pub = await server.connect({ clientId: 'qos-pub', protocolVersion: 5 });
    await pub.publishAsync('qos/0', 'zero', { qos: 0 });
    await pub.publishAsync('qos/1', 'one', { qos: 1 });
    await pub.publishAsync('qos/2', 'two', { qos: 2 });
    await waitFor(() => got.length === 3);
    assert.deepEqual(got.map((m) => [m.topic, m.text, m.packet.qos]).sort(), [
      ['qos/0', 'zero', 0],
      ['qos/1', 'one', 1],
      ['qos/2', 'two', 2],
    ]);
    pub.end();
    sub.end();
  });

  test('[MQTT-3.8.4-8] delivery QoS is the lower of published and granted', async () => {
    const sub = await server.connect({ clientId: 'downgrade-sub' });
    await sub.subscribeAsync('downgrade', { qos: 1 });
    const got = collect(sub);
    const pub = await server.connect({ clientId: 'downgrade-pub' });
    await pub.publishAsync('downgrade', 'x', { qos: 2 });
    await waitFor(() => got.length === 1);
    assert.equal(got[0]!.packet.qos, 1);
    pub.end();
    sub.end();
  });

  test('[MQTT-4.3.3-10] a QoS 2 duplicate before PUBREL is acknowledged again and not delivered twice', async () => {
    const sub = await server.connect({ clientId: 'dup-sub' });
    await sub.subscribeAsync('dup/q2', { qos: 2 });
    const got = collect(sub);
    const raw = await server.raw(5);
    await raw.connect('dup-pub');
    const publish = { cmd: 'publish' as const, topic: 'dup/q2', payload: Buffer.from('once'), qos: 2 as const, retain: false, dup: false, messageId: 7 };
    raw.send(publish);
    await raw.next('pubrec');
    raw.send({ ...publish, dup: true });
    assert.equal((await raw.next('pubrec')).messageId, 7);
    raw.send({ cmd: 'pubrel', messageId: 7 });
    assert.equal((await raw.next('pubcomp')).reasonCode, 0);
    await waitFor(() => got.length === 1);
    // a round trip through the subscriber's connection proves no second copy is on its way
    await sub.subscribeAsync('dup/none', { qos: 0 });
    assert.equal(got.length, 1);
    raw.close();
    sub.end();
  });

  test('issue 10 bug, [MQTT-3.1.2-4]: after a clean reconnect a reused QoS 2 packet id carries the new message, not the abandoned one', async () => {
    const sub = await server.connect({ clientId: 'reuse-sub' });
    await sub.subscribeAsync('reuse/q2', { qos: 2 });
    const got = collect(sub);
    const first = await server.raw(4);
    await first.connect('reuse-pub');
    first.send({ cmd: 'publish', topic: 'reuse/q2', payload: Buffer.from('old'), qos: 2, retain: false, dup: false, messageId: 1 });
    await first.next('pubrec');
    first.close(); // gone after PUBREC, before PUBREL
    await waitFor(() => !server.engine.connections.has('reuse-pub'));
    const second = await server.raw(4);
    await second.connect('reuse-pub'); // clean session: the incoming QoS 2 state is gone (3.1.1 [MQTT-3.1.2-6])
    second.send({ cmd: 'publish', topic: 'reuse/q2', payload: Buffer.from('new'), qos: 2, retain: false, dup: false, messageId: 1 });
    await second.next('pubrec');
    second.send({ cmd: 'pubrel', messageId: 1 });
    await second.next('pubcomp');
    await waitFor(() => got.length === 2);
    assert.deepEqual(got.map((m) => m.text), ['old', 'new']);
    second.close();
    sub.end();
  });

  test('issue 10 bug: an empty retained QoS 2 publish after a clean reconnect with a reused id clears the retained message', async () => {
    const first = await server.raw(4);
    await first.connect('clear-pub');
    first.send({ cmd: 'publish', topic: 'reuse/retained', payload: Buffer.from('stale'), qos: 2, retain: true, dup: false, messageId: 1 });
    await first.next('pubrec');
    first.close();
    await waitFor(() => !server.engine.connections.has('clear-pub'));
    const second = await server.raw(4);
    await second.connect('clear-pub');
    second.send({ cmd: 'publish', topic: 'reuse/retained', payload: Buffer.alloc(0), qos: 2, retain: true, dup: false, messageId: 1 });
    await second.next('pubrec');
    second.send({ cmd: 'pubrel', messageId: 1 });
    await second.next('pubcomp');
    assert.equal(server.engine.retained.match('reuse/retained', Date.now()).length, 0);
    second.close();
  });

  test('MQTT 5 §3.4.2.1: PUBACK and PUBREC say 0x10 when no subscription matched (3.1.1: 0)', async () => {
    const raw = await server.raw(5);
    await raw.connect('nobody-listens');
    raw.send({ cmd: 'publish', topic: 'nobody/here', payload: Buffer.from('x'), qos: 1, retain: false, dup: false, messageId: 1 });
    assert.equal((await raw.next('puback')).reasonCode, 0x10);
    raw.send({ cmd: 'publish', topic: 'nobody/here', payload: Buffer.from('x'), qos: 2, retain: false, dup: false, messageId: 2 });
    assert.equal((await raw.next('pubrec')).reasonCode, 0x10);
    await raw.subscribe('nobody/#', 0);
    raw.send({ cmd: 'publish', topic: 'nobody/here', payload: Buffer.from('x'), qos: 1, retain: false, dup: false, messageId: 3 });
    assert.equal((await raw.next('puback')).reasonCode, 0);
    raw.close();
    const raw4 = await server.raw(4);
    await raw4.connect('nobody-listens-4');
    raw4.send({ cmd: 'publish', topic: 'nobody4/here', payload: Buffer.from('x'), qos: 1, retain: false, dup: false, messageId: 1 });
    assert.equal((await raw4.next('puback')).reasonCode, undefined);
    raw4.close();
  });

  test('MQTT 5: PUBREL for an unknown packet id is answered with PUBCOMP 0x92', async () => {
    const raw = await server.raw(5);
    await raw.connect('pubrel-unknown');
    raw.send({ cmd: 'pubrel', messageId: 99 });
    assert.equal((await raw.next('pubcomp')).reasonCode, 0x92);
    raw.close();
  });

  test('[MQTT-3.3.2-2] a topic name with a wildcard: MQTT 5 DISCONNECT 0x90', async () => {
    const raw = await server.raw(5);
    await raw.connect('wild-publisher');
    raw.send({ cmd: 'publish', topic: 'a/#', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
    assert.equal(await raw.disconnectReason(), 0x90);
  });

  test('[MQTT-3.3.4-6] a PUBLISH from a client with a Subscription Identifier is a protocol error', async () => {
    const raw = await server.raw(5);
    await raw.connect('subid-publisher');
    raw.send({ cmd: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: { subscriptionIdentifier: 3 } });
    assert.equal(await raw.disconnectReason(), 0x82);
  });
});

describe('PUBLISH properties', () => {
  test('[MQTT-3.3.2-15, 3.3.2-16, 3.3.2-17, 3.3.2-18, 3.3.2-19, 3.3.2-20] properties are forwarded unaltered, user properties in order', async () => {
    const sub = await server.connect({ clientId: 'props-sub', protocolVersion: 5 });
    await sub.subscribeAsync('props', { qos: 1 });
    const got = collect(sub);
    const pub = await server.connect({ clientId: 'props-pub', protocolVersion: 5 });
    const properties = {
      payloadFormatIndicator: true,
      contentType: 'text/plain',
      responseTopic: 'props/reply',
      correlationData: Buffer.from('c-1'),
      userProperties: { b: '2', a: ['1', '3'] },
    };
    await pub.publishAsync('props', 'hello', { qos: 1, properties });
    await waitFor(() => got.length === 1);
    const p = got[0]!.packet.properties!;
    assert.equal(p.payloadFormatIndicator, true);
    assert.equal(p.contentType, 'text/plain');
    assert.equal(p.responseTopic, 'props/reply');
    assert.equal(p.correlationData?.toString(), 'c-1');
    assert.deepEqual(Object.entries(p.userProperties ?? {}), [
      ['b', '2'],
      ['a', ['1', '3']],
    ]);
    pub.end();
    sub.end();
  });

  test('[MQTT-3.3.2-6] the Message Expiry Interval is forwarded with the time left; an expired queued message is dropped [MQTT-3.3.2-5]', async () => {
    const sub = await server.connect({ clientId: 'expiry-sub', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 60 } });
    await sub.subscribeAsync('expiry/#', { qos: 1 });
    const got = collect(sub);
    const pub = await server.connect({ clientId: 'expiry-pub', protocolVersion: 5 });
    await pub.publishAsync('expiry/live', 'live', { qos: 1, properties: { messageExpiryInterval: 100 } });
    await waitFor(() => got.length === 1);
    const left = got[0]!.packet.properties?.messageExpiryInterval ?? 0;
    assert.ok(left > 0 && left <= 100, `time left ${left}`);
    sub.end();
    await waitFor(() => !server.engine.connections.has('expiry-sub'));
    await pub.publishAsync('expiry/short', 'short', { qos: 1, properties: { messageExpiryInterval: 1 } });
    await pub.publishAsync('expiry/long', 'long', { qos: 1, properties: { messageExpiryInterval: 100 } });
    await waitFor(() => server.engine.sessions.get('expiry-sub')?.backlog === 2);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the 1 s expiry itself
    const back = await server.connect({ clientId: 'expiry-sub', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 60 } });
    const later = collect(back);
    await waitFor(() => later.length === 1);
    await back.subscribeAsync('expiry/none', { qos: 0 });
    assert.deepEqual(later.map((m) => m.text), ['long']);
    back.end();
    pub.end();
  });
});

describe('retained messages', () => {
  test('[MQTT-3.3.1-5, 3.3.1-9] a retained message goes to new subscribers with RETAIN set', async () => {
    const pub = await server.connect({ clientId: 'ret-pub' });
    await pub.publishAsync('ret/a', 'kept', { qos: 1, retain: true });
    const sub = await server.connect({ clientId: 'ret-sub' });
    const got = collect(sub);
    await sub.subscribeAsync('ret/+', { qos: 1 });
    await waitFor(() => got.length === 1);
    assert.equal(got[0]!.text, 'kept');
    assert.equal(got[0]!.packet.retain, true);
    pub.end();
    sub.end();
  });

  test('[MQTT-3.3.1-6, 3.3.1-7] an empty retained payload clears the topic at any QoS and is still forwarded', async () => {
    const pub = await server.connect({ clientId: 'clear-any-pub' });
    for (const qos of [0, 1, 2] as const) {
      await pub.publishAsync(`clear/${qos}`, 'kept', { qos: 1, retain: true });
      await pub.publishAsync(`clear/${qos}`, '', { qos, retain: true });
    }
    await waitFor(() => server.engine.retained.match('clear/#', Date.now()).length === 0);
    pub.end();
  });

  test('[MQTT-3.3.1-12] live deliveries clear RETAIN unless Retain As Published', async () => {
    const sub = await server.connect({ clientId: 'rap-sub', protocolVersion: 5 });
    await sub.subscribeAsync('rap/plain', { qos: 0 });
    await sub.subscribeAsync('rap/kept', { qos: 0, rap: true });
    const got = collect(sub);
    const pub = await server.connect({ clientId: 'rap-pub', protocolVersion: 5 });
    await pub.publishAsync('rap/plain', 'p', { qos: 1, retain: true });
    await pub.publishAsync('rap/kept', 'k', { qos: 1, retain: true });
    await waitFor(() => got.length === 2);
    assert.equal(got.find((m) => m.topic === 'rap/plain')!.packet.retain, false);
    assert.equal(got.find((m) => m.topic === 'rap/kept')!.packet.retain, true);
    pub.end();
    sub.end();
  });

  test('[MQTT-3.3.2-5] an expired retained message is not sent', async () => {
    const pub = await server.connect({ clientId: 'ret-exp-pub', protocolVersion: 5 });
    await pub.publishAsync('ret-exp/t', 'soon gone', { qos: 1, retain: true, properties: { messageExpiryInterval: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the 1 s expiry itself
    assert.equal(server.engine.retained.match('ret-exp/t', Date.now()).length, 0);
    pub.end();
  });
});
