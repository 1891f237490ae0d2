/** Overload limits: connections and subscriptions per client (MQTT 5 reason codes 0x89, 0x97). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, waitFor, type TestServer } from './helpers.ts';

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
});
