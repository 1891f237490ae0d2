/** CONNECT and CONNACK, keep-alive and PINGREQ (MQTT 3.1.1 and 5.0 §3.1, §3.2, §3.12, §4.13). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, waitFor, type TestServer } from './helpers.ts';

let server: TestServer;
/** With a keep-alive limit and hooks refusing some client ids. */
let guarded: TestServer;

before(async () => {
  server = await startEngine();
  guarded = await startEngine({
    keepAliveLimit: 30,
    responseInformation: 'reply/{clientId}',
    hooks: { authenticate: async ({ clientId, password }) => (clientId.startsWith('banned') ? 0x8a : password?.toString() === 'wrong' ? 0x86 : 0) },
  });
});
after(async () => {
  await server?.close();
  await guarded?.close();
});

describe('CONNECT validation', () => {
  test('[MQTT-3.1.0-1] a first packet other than CONNECT closes the connection', async () => {
    const raw = await server.raw(4);
    raw.send({ cmd: 'pingreq' });
    await raw.whenClosed();
    assert.equal(raw.packets.length, 0);
  });

  test('[MQTT-3.1.2-2] an unsupported protocol level gets CONNACK return code 1 and the close', async () => {
    const raw = await server.raw(4);
    // CONNECT, protocol "MQTT" level 6, clean session, keep-alive 60, client id "x"
    raw.writeBytes(Buffer.from([0x10, 13, 0, 4, 0x4d, 0x51, 0x54, 0x54, 6, 0x02, 0, 60, 0, 1, 0x78]));
    const connack = await raw.next('connack');
    assert.equal(connack.returnCode, 1);
    await raw.whenClosed();
  });

  test('[MQTT-3.1.2-1] a protocol name other than MQTT closes the connection without CONNACK', async () => {
    const raw = await server.raw(4);
    // CONNECT, protocol "MQTX" level 4
    raw.writeBytes(Buffer.from([0x10, 13, 0, 4, 0x4d, 0x51, 0x54, 0x58, 4, 0x02, 0, 60, 0, 1, 0x78]));
    await raw.whenClosed();
    assert.equal(raw.packets.length, 0);
  });

  test('MQTT 3.1 (MQIsdp, level 3) is not spoken: CONNACK return code 1', async () => {
    const raw = await server.raw(4);
    // CONNECT, protocol "MQIsdp" level 3, clean session, keep-alive 60, client id "x"
    raw.writeBytes(Buffer.from([0x10, 15, 0, 6, 0x4d, 0x51, 0x49, 0x73, 0x64, 0x70, 3, 0x02, 0, 60, 0, 1, 0x78]));
    assert.equal((await raw.next('connack')).returnCode, 1);
    await raw.whenClosed();
  });

  test('3.1.1 [MQTT-3.1.3-8]: an empty client id without clean session gets return code 2', async () => {
    const raw = await server.raw(4);
    // CONNECT "MQTT" level 4, flags 0 (no clean session), keep-alive 60, client id of length 0
    raw.writeBytes(Buffer.from([0x10, 12, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x00, 0, 60, 0, 0]));
    const connack = await raw.next('connack');
    assert.equal(connack.returnCode, 2);
    await raw.whenClosed();
  });

  test('[MQTT-3.1.3-6] 3.1.1: an empty client id with clean session is accepted', async () => {
    const raw = await server.raw(4);
    const connack = await raw.connect('');
    assert.equal(connack.returnCode, 0);
    raw.close();
  });

  test('[MQTT-3.2.2-16] MQTT 5: an empty client id gets an Assigned Client Identifier', async () => {
    const client = await server.connect({ protocolVersion: 5, clientId: '' });
    const assigned = client.connack.properties?.assignedClientIdentifier;
    assert.ok(assigned && assigned.length > 0);
    assert.ok(server.engine.connections.has(assigned));
    client.end();
  });

  test('[MQTT-3.1.3-9, 3.3.2-2] MQTT 5: a will topic with a wildcard is refused with 0x90', async () => {
    const raw = await server.raw(5);
    const connack = await raw.connect('bad-will', { will: { topic: 'a/+', payload: Buffer.from('x'), qos: 0, retain: false } });
    assert.equal(connack.reasonCode, 0x90);
    await raw.whenClosed();
  });

  test('[MQTT-4.12.0-1] an authentication method the server does not offer gets 0x8C', async () => {
    const raw = await server.raw(5);
    const connack = await raw.connect('auth-method', { properties: { authenticationMethod: 'SCRAM-SHA-1' } });
    assert.equal(connack.reasonCode, 0x8c);
    await raw.whenClosed();
  });

  test('[MQTT-4.12.0-7] AUTH without an authentication method at CONNECT is a protocol error (0x82)', async () => {
    const raw = await server.raw(5);
    await raw.connect('auth-packet');
    raw.send({ cmd: 'auth', reasonCode: 0x19, properties: { authenticationMethod: 'X' } });
    assert.equal(await raw.disconnectReason(), 0x82);
  });

  test('MQTT 5 §3.1.2.11.3, §3.1.2.11.4: a Receive Maximum or Maximum Packet Size of 0 in CONNECT is a protocol error (CONNACK 0x82)', async () => {
    for (const properties of [{ receiveMaximum: 0 }, { maximumPacketSize: 0 }]) {
      const raw = await server.raw(5);
      const connack = await raw.connect('zero-limit', { properties });
      assert.equal(connack.reasonCode, 0x82, JSON.stringify(properties));
      await raw.whenClosed();
    }
    assert.equal(server.engine.sessions.has('zero-limit'), false);
  });

  test('[MQTT-3.1.3-5] a client id longer than maxClientIdLength gets 0x85 (3.1.1: return code 2)', async () => {
    const short = await startEngine({ maxClientIdLength: 8 });
    try {
      const raw5 = await short.raw(5);
      assert.equal((await raw5.connect('nine-long')).reasonCode, 0x85);
      await raw5.whenClosed();
      const raw4 = await short.raw(4);
      assert.equal((await raw4.connect('nine-long')).returnCode, 2);
      await raw4.whenClosed();
      const fits = await short.raw(5);
      assert.equal((await fits.connect('8-chars!')).reasonCode, 0);
      fits.close();
    } finally {
      await short.close();
    }
  });

  test('a connection that sends no CONNECT within connectTimeoutMs is closed; one that does is kept', async () => {
    const strict = await startEngine({ connectTimeoutMs: 1500 });
    try {
      const started = Date.now();
      const silent = await strict.raw(5);
      const prompt = await strict.raw(5);
      assert.equal((await prompt.connect('prompt')).reasonCode, 0);
      await silent.whenClosed(5000);
      assert.ok(Date.now() - started >= 1400, 'not closed before the timeout');
      await prompt.sync();
      assert.equal(prompt.closed, false);
      prompt.close();
    } finally {
      await strict.close();
    }
  });

  test('[MQTT-3.1.0-2] a second CONNECT is a protocol error (MQTT 5: DISCONNECT 0x82)', async () => {
    const raw = await server.raw(5);
    await raw.connect('twice');
    raw.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clientId: 'twice', clean: true, keepalive: 60 });
    const disconnect = await raw.next('disconnect');
    assert.equal(disconnect.reasonCode, 0x82);
    await raw.whenClosed();
  });
});

describe('authentication hook', () => {
  test('[MQTT-3.2.2-6] MQTT 5: a refusal is the CONNACK reason code (0x86 bad user name or password, 0x8A banned)', async () => {
    const wrong = await guarded.raw(5);
    assert.equal((await wrong.connect('hooked', { username: 'u', password: Buffer.from('wrong') })).reasonCode, 0x86);
    await wrong.whenClosed();
    const banned = await guarded.raw(5);
    assert.equal((await banned.connect('banned-1')).reasonCode, 0x8a);
    await banned.whenClosed();
    assert.equal(guarded.engine.sessions.has('banned-1'), false);
  });

  test('3.1.1: the refusal maps to the nearest return code (banned → 5, bad password → 4)', async () => {
    const banned = await guarded.raw(4);
    assert.equal((await banned.connect('banned-2')).returnCode, 5);
    const wrong = await guarded.raw(4);
    assert.equal((await wrong.connect('hooked-4', { username: 'u', password: Buffer.from('wrong') })).returnCode, 4);
    await Promise.all([banned.whenClosed(), wrong.whenClosed()]);
  });
});

describe('session takeover', () => {
  test('[MQTT-3.1.4-3] a second connection with the same client id closes the first (MQTT 5: DISCONNECT 0x8E)', async () => {
    const first = await server.raw(5);
    await first.connect('taken');
    const second = await server.raw(5);
    assert.equal((await second.connect('taken')).reasonCode, 0);
    assert.equal(await first.disconnectReason(), 0x8e);
    assert.equal(second.closed, false);
    second.close();
  });
});

describe('keep-alive', () => {
  test('[MQTT-3.1.2-24] no packet within 1.5 × Keep Alive: MQTT 5 gets DISCONNECT 0x8D and the close', async () => {
    const raw = await server.raw(5);
    await raw.connect('sleepy', { keepalive: 1 });
    const started = Date.now();
    assert.equal((await raw.next('disconnect', 4000)).reasonCode, 0x8d);
    await raw.whenClosed();
    assert.ok(Date.now() - started >= 1400, 'not before 1.5 × Keep Alive');
  });

  test('[MQTT-3.12.4-1] PINGREQ is answered with PINGRESP and keeps the connection open', async () => {
    const raw = await server.raw(4);
    await raw.connect('pinger', { keepalive: 1 });
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      raw.send({ cmd: 'pingreq' });
      await raw.next('pingresp');
    }
    assert.equal(raw.closed, false);
    raw.close();
  });

  test('[MQTT-3.2.2-21, 3.2.2-22] Server Keep Alive: a client over the limit is told the limit', async () => {
    const client = await guarded.connect({ protocolVersion: 5, clientId: 'ska', keepalive: 60 });
    assert.equal(client.connack.properties?.serverKeepAlive, 30);
    client.end();
    const within = await guarded.connect({ protocolVersion: 5, clientId: 'ska-2', keepalive: 20 });
    assert.equal(within.connack.properties?.serverKeepAlive, undefined);
    within.end();
  });
});

describe('request/response', () => {
  test('[MQTT-3.1.2-31] Response Information is sent only to a client that requests it', async () => {
    const asks = await guarded.connect({ protocolVersion: 5, clientId: 'asks', properties: { requestResponseInformation: true } });
    assert.equal(asks.connack.properties?.responseInformation, 'reply/asks');
    asks.end();
    const silent = await guarded.connect({ protocolVersion: 5, clientId: 'silent' });
    assert.equal(silent.connack.properties?.responseInformation, undefined);
    silent.end();
  });
});

describe('malformed packets', () => {
  test('[MQTT-4.13.1-1] a malformed packet closes that connection only', async () => {
    const bystander = await server.raw(4);
    await bystander.connect('bystander');
    const raw = await server.raw(4);
    await raw.connect('garbled');
    // SUBSCRIBE with a wrong fixed-header flag (must be 0010) [MQTT-3.8.1-1]
    raw.writeBytes(Buffer.from([0x80, 6, 0, 1, 0, 1, 0x61, 0]));
    await raw.whenClosed();
    bystander.send({ cmd: 'pingreq' });
    await bystander.next('pingresp');
    await waitFor(() => !server.engine.connections.has('garbled'));
    bystander.close();
  });

  test('connections share one parser: a packet that fails mid-parse, and CONNECTs of the other version, leave the next packets of others intact', async () => {
    const sub = await server.raw(5);
    await sub.connect('shared-sub');
    await sub.subscribe('shared/#', 0);
    const bad = await server.raw(5);
    await bad.connect('shared-bad');
    // PUBLISH whose Property Length (9) runs past its end: whole to the framer, an error to the parser
    bad.writeBytes(Buffer.from([0x30, 6, 0, 1, 0x61, 9, 0x01, 0x01]));
    assert.equal(await bad.disconnectReason(), 0x81);
    const v4 = await server.raw(4); // a 3.1.1 CONNECT parsed in between
    await v4.connect('shared-v4');
    const pub = await server.raw(5);
    await pub.connect('shared-pub');
    pub.send({ cmd: 'publish', topic: 'shared/a', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: { userProperties: { k: 'v' }, contentType: 'text/plain' } });
    v4.send({ cmd: 'publish', topic: 'shared/b', payload: Buffer.from('y'), qos: 0, retain: false, dup: false });
    const first = await sub.next('publish');
    const second = await sub.next('publish');
    assert.deepEqual([first.topic, first.properties?.contentType, { ...first.properties?.userProperties }], ['shared/a', 'text/plain', { k: 'v' }]);
    assert.equal(second.topic, 'shared/b');
    for (const c of [sub, v4, pub]) c.close();
  });

  test('a Remaining Length of more than four bytes is malformed', async () => {
    const raw = await server.raw(4);
    await raw.connect('long-length');
    raw.writeBytes(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
    await raw.whenClosed();
  });

  test('[MQTT-3.1.0-1, 2.2.2-2] a first byte that is not CONNECT closes at once, not after the length it declares', async () => {
    for (const bytes of [Buffer.from('GET / HTTP/1.1\r\n'), Buffer.from([0x11, 0x7f]), Buffer.from([0x30])]) {
      const raw = await server.raw(4);
      raw.writeBytes(bytes); // each declares (or is waiting for) more than it sends
      await raw.whenClosed();
    }
  });

  test('[MQTT-2.2.2-1, 2.2.2-2] after CONNECT, a reserved type or wrong flags close at once', async () => {
    for (const [version, byte] of [[4, 0xf0], [4, 0x00], [5, 0xff], [5, 0x60], [4, 0x36]] as const) {
      const raw = await server.raw(version);
      await raw.connect(`first-byte-${version}-${byte}`);
      raw.writeBytes(Buffer.from([byte, 0x7f])); // 127 bytes declared, none sent
      await raw.whenClosed();
    }
  });
});
