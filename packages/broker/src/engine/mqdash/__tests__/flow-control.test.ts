/** Receive Maximum, Maximum Packet Size and Topic Aliases, both ways (MQTT 5 §3.1.2.11, §3.2.2.3, §3.3.2.3.4, §4.9). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IPublishPacket } from 'mqtt-packet';
import { startEngine, waitFor, type TestServer } from './helpers.ts';

let server: TestServer;
/** Small limits: Receive Maximum 2, Maximum Packet Size 1024, Topic Alias Maximum 2. */
let small: TestServer;

before(async () => {
  server = await startEngine();
  small = await startEngine({ receiveMaximum: 2, maximumPacketSize: 1024, topicAliasMaximum: 2 });
});
after(async () => {
  await server?.close();
  await small?.close();
});

const publish = (topic: string, messageId: number, payload = 'x'): IPublishPacket => ({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 2, retain: false, dup: false, messageId });

describe('Receive Maximum', () => {
  test('CONNACK announces its Receive Maximum and Maximum Packet Size', async () => {
    const client = await small.connect({ protocolVersion: 5, clientId: 'announce' });
    assert.equal(client.connack.properties?.receiveMaximum, 2);
    assert.equal(client.connack.properties?.maximumPacketSize, 1024);
    assert.equal(client.connack.properties?.topicAliasMaximum, 2);
    client.end();
  });

  test('[MQTT-3.3.4-7] a client with more unacknowledged QoS 2 PUBLISHes than the server allows gets DISCONNECT 0x93', async () => {
    const raw = await small.raw(5);
    await raw.connect('overrun');
    raw.send(publish('overrun', 1));
    raw.send(publish('overrun', 2));
    await raw.next('pubrec');
    await raw.next('pubrec');
    raw.send(publish('overrun', 3)); // no PUBREL yet: three in flight, two allowed
    assert.equal(await raw.disconnectReason(), 0x93);
  });

  test('completed QoS 2 flows free the window again', async () => {
    const raw = await small.raw(5);
    await raw.connect('within-window');
    for (let id = 1; id <= 5; id++) {
      raw.send(publish('window', id));
      await raw.next('pubrec');
      raw.send({ cmd: 'pubrel', messageId: id });
      await raw.next('pubcomp');
    }
    assert.equal(raw.closed, false);
    raw.close();
  });

  test('[MQTT-3.3.4-9] never more unacknowledged deliveries than the client allows; the rest wait', async () => {
    const raw = await server.raw(5);
    await raw.connect('slow-reader', { properties: { receiveMaximum: 2 } });
    await raw.subscribe('slow/#', 1);
    const pub = await server.connect({ clientId: 'fast-writer', protocolVersion: 5 });
    for (let i = 0; i < 5; i++) await pub.publishAsync('slow/t', `m${i}`, { qos: 1 });
    await waitFor(() => raw.packets.filter((p) => p.cmd === 'publish').length === 2);
    await raw.sync();
    assert.equal(raw.packets.filter((p) => p.cmd === 'publish').length, 2, 'two in flight, three queued');
    const texts: string[] = [];
    for (let i = 0; i < 5; i++) {
      const p = await raw.next('publish');
      texts.push(p.payload.toString());
      raw.send({ cmd: 'puback', messageId: p.messageId });
    }
    assert.deepEqual(texts, ['m0', 'm1', 'm2', 'm3', 'm4']);
    pub.end();
    raw.close();
  });
});

describe('Maximum Packet Size', () => {
  test('a packet over the server\'s Maximum Packet Size gets DISCONNECT 0x95 and the close', async () => {
    const raw = await small.raw(5);
    await raw.connect('too-big');
    raw.send({ cmd: 'publish', topic: 'big', payload: Buffer.alloc(2000), qos: 0, retain: false, dup: false });
    assert.equal(await raw.disconnectReason(), 0x95);
  });

  test('[MQTT-3.1.2-27, 3.1.2-28] a message too large for a client is dropped for that client only', async () => {
    const tiny = await server.raw(5);
    await tiny.connect('tiny', { properties: { maximumPacketSize: 100 } });
    await tiny.subscribe('size/#', 1);
    const roomy = await server.connect({ clientId: 'roomy', protocolVersion: 5 });
    await roomy.subscribeAsync('size/#', { qos: 1 });
    const pub = await server.connect({ clientId: 'size-pub', protocolVersion: 5 });
    await pub.publishAsync('size/big', 'x'.repeat(500), { qos: 1 });
    await pub.publishAsync('size/small', 'small', { qos: 1 });
    await waitFor(() => roomy.received.length === 2);
    const p = await tiny.next('publish');
    assert.equal(p.payload.toString(), 'small');
    tiny.send({ cmd: 'puback', messageId: p.messageId });
    assert.equal(await tiny.receivedBeforePing('publish'), false);
    assert.equal(server.engine.sessions.get('tiny')!.backlog, 0, 'the dropped message counts as sent');
    pub.end();
    roomy.end();
    tiny.close();
  });
});

describe('Topic aliases', () => {
  test('[MQTT-3.3.2-12] an alias set with a topic stands for it in later PUBLISHes', async () => {
    const sub = await small.connect({ clientId: 'alias-sub', protocolVersion: 5 });
    await sub.subscribeAsync('alias/t', { qos: 1 });
    const raw = await small.raw(5);
    await raw.connect('alias-pub');
    raw.send({ cmd: 'publish', topic: 'alias/t', payload: Buffer.from('one'), qos: 1, retain: false, dup: false, messageId: 1, properties: { topicAlias: 1 } });
    await raw.next('puback');
    raw.send({ cmd: 'publish', topic: '', payload: Buffer.from('two'), qos: 1, retain: false, dup: false, messageId: 2, properties: { topicAlias: 1 } });
    await raw.next('puback');
    await waitFor(() => sub.received.length === 2);
    assert.deepEqual(sub.received.map((m) => [m.topic, m.text]), [
      ['alias/t', 'one'],
      ['alias/t', 'two'],
    ]);
    raw.close();
    sub.end();
  });

  test('[MQTT-3.3.2-9] an alias above the Topic Alias Maximum gets DISCONNECT 0x94', async () => {
    const raw = await small.raw(5);
    await raw.connect('alias-over');
    raw.send({ cmd: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: { topicAlias: 3 } });
    assert.equal(await raw.disconnectReason(), 0x94);
  });

  test('an alias that was never set is a protocol error (0x82)', async () => {
    const raw = await small.raw(5);
    await raw.connect('alias-unknown');
    raw.send({ cmd: 'publish', topic: '', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: { topicAlias: 1 } });
    assert.equal(await raw.disconnectReason(), 0x82);
  });

  test('[MQTT-3.3.2-11] the server assigns aliases up to the client\'s Topic Alias Maximum', async () => {
    const raw = await server.raw(5);
    await raw.connect('alias-receiver', { properties: { topicAliasMaximum: 1 } });
    await raw.subscribe('out/#', 0);
    const pub = await server.connect({ clientId: 'alias-sender', protocolVersion: 5 });
    for (const topic of ['out/a', 'out/a', 'out/b']) await pub.publishAsync(topic, topic, { qos: 1 });
    const first = await raw.next('publish');
    const second = await raw.next('publish');
    const third = await raw.next('publish');
    assert.deepEqual([first.topic, first.properties?.topicAlias], ['out/a', 1]);
    assert.deepEqual([second.topic, second.properties?.topicAlias], ['', 1]);
    assert.deepEqual([third.topic, third.properties?.topicAlias], ['out/b', undefined], 'no alias left for a second topic');
    pub.end();
    raw.close();
  });
});

describe('slow readers', () => {
  test('a client that stops reading loses QoS 0 beyond the write buffer limit; its QoS 1 waits and arrives once it reads', async () => {
    const limited = await startEngine({ maxWriteBufferBytes: 64 * 1024 });
    try {
      const raw = await limited.raw(5);
      await raw.connect('stuck');
      await raw.subscribe('stuck/#', 1);
      raw.pause();
      const pub = await limited.connect({ clientId: 'flood', protocolVersion: 5 });
      const chunk = Buffer.alloc(32 * 1024, 0x61);
      const session = limited.engine.sessions.get('stuck')!;
      const connection = limited.engine.connections.get('stuck')!;
      for (let i = 0; i < 1000 && session.dropped === 0; i++) await pub.publishAsync('stuck/q0', chunk, { qos: 0 });
      await waitFor(() => session.dropped > 0, 5000, 'QoS 0 drops');
      assert.ok(connection.stream.writableLength < 64 * 1024 + 2 * chunk.length, `bounded: ${connection.stream.writableLength} bytes buffered`);
      for (let i = 0; i < 3; i++) await pub.publishAsync('stuck/q1', `q1-${i}`, { qos: 1 });
      assert.equal(session.backlog, 3, 'QoS 1 waits in the queue');
      raw.resume();
      const texts: string[] = [];
      while (texts.length < 3) {
        const p = await raw.next('publish', 5000);
        if (p.qos === 1) texts.push(p.payload.toString());
      }
      assert.deepEqual(texts, ['q1-0', 'q1-1', 'q1-2']);
      pub.end();
      raw.close();
    } finally {
      await limited.close();
    }
  });

  test('drainTimeoutMs (MQTT_DRAIN_TIMEOUT_MS): a client whose socket stays full that long is disconnected; one that reads is not', async () => {
    const drainMs = 500;
    const limited = await startEngine({ drainTimeoutMs: drainMs });
    try {
      const stuck = await limited.raw(5);
      await stuck.connect('drain-stuck');
      await stuck.subscribe('drain/#', 0);
      const reader = await limited.raw(5);
      await reader.connect('drain-reader');
      await reader.subscribe('drain/#', 0);
      stuck.pause();
      const connection = limited.engine.connections.get('drain-stuck')!;
      const chunk = Buffer.alloc(32 * 1024, 0x62);
      // the broker's own messages, 1 MB every 10 ms until it is cut off: its socket fills (the kernel's
      // buffers first), and a stream that drains now and then restarts the timeout
      let full = 0;
      const flood = setInterval(() => {
        for (let k = 0; k < 32; k++) limited.engine.publish({ topic: 'drain/x', payload: chunk, qos: 0, retain: false, properties: {} });
        if (full === 0 && connection.stream.writableNeedDrain) full = Date.now();
      }, 10);
      // (the paused client itself reads nothing, so it would not notice the close: the broker's side is watched)
      await waitFor(() => !limited.engine.connections.has('drain-stuck'), 10_000, 'the stuck client to be cut off').finally(() => clearInterval(flood));
      const after = Date.now() - full;
      assert.ok(full > 0 && after >= drainMs - 20, `cut off ${after} ms after its socket first filled, the timeout is ${drainMs} ms`);
      assert.equal(connection.closed, true);
      assert.equal(connection.stream.destroyed, true, 'its unsent packets are discarded at once');
      assert.equal(limited.engine.connections.has('drain-reader'), true, 'a client that reads stays connected');
      reader.close();
    } finally {
      await limited.close();
    }
  });
});
