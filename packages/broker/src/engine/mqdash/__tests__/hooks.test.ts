/**
 * The hook interface the registry, bans and permissions will plug into, the admin disconnect, and
 * the WebSocket transport (the same Engine.handle on a stream made from a WebSocket).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mqtt from 'mqtt';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { Engine } from '../engine.ts';
import type { ClientInfo, EngineMessage } from '../types.ts';
import { persistent, startEngine, waitFor, type TestServer } from './helpers.ts';

const events: string[] = [];
let server: TestServer;

before(async () => {
  server = await startEngine({
    hooks: {
      // slow on purpose: packets sent right after CONNECT must wait for it, in order
      authenticate: async ({ clientId }) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return clientId === 'refused' ? 0x87 : 0;
      },
      authorizePublish: (_client: ClientInfo | undefined, message: EngineMessage) => (message.topic.startsWith('forbidden/') ? 0x87 : 0),
      onConnect: (client, sessionPresent) => events.push(`connect ${client.clientId} ${sessionPresent}`),
      onDisconnect: (client, reasonCode) => events.push(`disconnect ${client.clientId} ${reasonCode}`),
      onPublish: (client, message) => {
        if (message.topic === 'hook/throws') throw new Error('a faulty hook');
        events.push(`publish ${client?.clientId} ${message.topic}`);
      },
      onSessionEnd: (clientId) => events.push(`end ${clientId}`),
      onError: (error, where) => events.push(`error ${where} ${(error as Error).message}`),
    },
  });
});
after(async () => {
  await server?.close();
});

describe('hooks', () => {
  test('packets sent before CONNACK wait for the authenticate hook and are handled in order', async () => {
    const raw = await server.raw(5);
    raw.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clientId: 'eager', clean: true, keepalive: 60 });
    raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'eager/t', qos: 0 }] });
    raw.send({ cmd: 'pingreq' });
    await raw.next('pingresp');
    assert.deepEqual(raw.packets.map((p) => p.cmd), ['connack', 'suback']);
    raw.close();
  });

  test('a refusing authenticate hook decides the CONNACK code and no session is made', async () => {
    const raw = await server.raw(5);
    assert.equal((await raw.connect('refused')).reasonCode, 0x87);
    await raw.whenClosed();
    assert.equal(server.engine.sessions.has('refused'), false);
  });

  test('authorizePublish: MQTT 5 gets PUBACK 0x87 and nothing is routed; 3.1.1 is acknowledged and dropped', async () => {
    const watcher = await server.connect({ clientId: 'forbidden-watch' });
    await watcher.subscribeAsync('forbidden/#', { qos: 1 });
    const raw5 = await server.raw(5);
    await raw5.connect('forbidden-5');
    raw5.send({ cmd: 'publish', topic: 'forbidden/x', payload: Buffer.from('no'), qos: 1, retain: false, dup: false, messageId: 1 });
    assert.equal((await raw5.next('puback')).reasonCode, 0x87);
    const raw4 = await server.raw(4);
    await raw4.connect('forbidden-4');
    raw4.send({ cmd: 'publish', topic: 'forbidden/y', payload: Buffer.from('no'), qos: 2, retain: false, dup: false, messageId: 1 });
    await raw4.next('pubrec');
    raw4.send({ cmd: 'pubrel', messageId: 1 });
    await raw4.next('pubcomp');
    await watcher.subscribeAsync('sync/forbidden', { qos: 0 });
    assert.equal(watcher.received.length, 0);
    raw5.close();
    raw4.close();
    watcher.end();
  });

  test('onConnect, onPublish, onDisconnect and onSessionEnd report the lifecycle', async () => {
    const client = await server.connect({ clientId: 'lifecycle', protocolVersion: 5 });
    await client.publishAsync('life/t', 'x', { qos: 1 });
    await client.endAsync();
    await waitFor(() => events.includes('end lifecycle'));
    assert.deepEqual(events.filter((e) => e.includes('lifecycle')), ['connect lifecycle false', 'publish lifecycle life/t', 'disconnect lifecycle 0', 'end lifecycle']);
  });

  test('a hook that throws ends that connection only (MQTT 5: DISCONNECT 0x83)', async () => {
    const bystander = await server.raw(5);
    await bystander.connect('hook-bystander');
    const raw = await server.raw(5);
    await raw.connect('hook-thrower');
    raw.send({ cmd: 'publish', topic: 'hook/throws', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
    assert.equal(await raw.disconnectReason(), 0x83);
    assert.ok(events.includes('error packet a faulty hook'), 'reported to onError');
    await bystander.sync();
    bystander.close();
  });

  test('disconnectClient sends DISCONNECT 0x98 (administrative action) and keeps a persistent session', async () => {
    const raw = await server.raw(5);
    await raw.connect('admin-kick', persistent);
    assert.equal(server.engine.disconnectClient('admin-kick'), true);
    assert.equal(await raw.disconnectReason(), 0x98);
    assert.equal(server.engine.sessions.has('admin-kick'), true);
    assert.equal(server.engine.disconnectClient('admin-kick'), false);
  });
});

test('closing the engine sends MQTT 5 clients DISCONNECT 0x8B (server shutting down)', async () => {
  const own = await startEngine();
  const raw = await own.raw(5);
  await raw.connect('shutdown');
  await own.close();
  assert.equal(await raw.disconnectReason(), 0x8b);
});

describe('WebSocket transport', () => {
  test('MQTT over WebSocket: the same engine serves a stream made from the WebSocket', async () => {
    const engine = new Engine();
    const httpServer = http.createServer();
    const wss = new WebSocketServer({ server: httpServer, path: '/mqtt' });
    wss.on('connection', (ws) => engine.handle(createWebSocketStream(ws)));
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const { port } = httpServer.address() as AddressInfo;
    const client = await mqtt.connectAsync(`ws://127.0.0.1:${port}/mqtt`, { clientId: 'over-ws', protocolVersion: 5, reconnectPeriod: 0 });
    const got: string[] = [];
    client.on('message', (_topic, payload) => got.push(payload.toString()));
    await client.subscribeAsync('ws/t', { qos: 1 });
    await client.publishAsync('ws/t', 'via websocket', { qos: 1 });
    await waitFor(() => got.length === 1);
    assert.deepEqual(got, ['via websocket']);
    await client.endAsync();
    await engine.close();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    await new Promise((resolve) => httpServer.close(resolve));
  });
});

test('onDrop: the oldest of a full queue (queue_full) and a message that expired while queued (expired)', async () => {
  const drops: string[] = [];
  const small = await startEngine({ maxQueuedMessages: 2, hooks: { onDrop: (clientId, reason) => drops.push(`${clientId} ${reason}`) } });
  try {
    const sub = await small.connect({ clientId: 'drop-sub', protocolVersion: 5, ...persistent });
    await sub.subscribeAsync('drop/#', { qos: 1 });
    await sub.endAsync();
    const pub = await small.connect({ clientId: 'drop-pub', protocolVersion: 5 });
    await pub.publishAsync('drop/a', 'gone first', { qos: 1 });
    await pub.publishAsync('drop/b', 'expires', { qos: 1, properties: { messageExpiryInterval: 1 } });
    await pub.publishAsync('drop/c', 'stays', { qos: 1 });
    assert.deepEqual(drops, ['drop-sub queue_full']);
    const expiredBy = Date.now() + 1100;
    await waitFor(() => Date.now() > expiredBy, 2000, 'the expiry');
    const back = await small.connect({ clientId: 'drop-sub', protocolVersion: 5, ...persistent });
    await waitFor(() => back.received.some((m) => m.text === 'stays'), 3000, 'the message that did not expire');
    assert.deepEqual(drops, ['drop-sub queue_full', 'drop-sub expired']);
    assert.deepEqual(back.received.map((m) => m.text), ['stays']);
  } finally {
    await small.close();
  }
});
