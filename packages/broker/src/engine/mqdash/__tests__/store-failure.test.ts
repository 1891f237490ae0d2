/**
 * A store that cannot write its changes (a full disk): a QoS 1/2 PUBLISH waiting for its
 * write-ahead is never acknowledged as accepted. MQTT 5 is told with PUBACK/PUBREC 0x80 and the
 * reason; MQTT 3.1.1, which has no negative acknowledgement, loses the connection instead.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MemorySessionStore } from '../memory-store.ts';
import type { DurableCallback } from '../persistence.ts';
import { startEngine, type TestServer } from './helpers.ts';

/** The memory store, with its commits failing while `failing` is set. */
class FailingStore extends MemorySessionStore {
  failing = true;
  override afterDurable(callback: DurableCallback): void {
    const error = this.failing ? Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }) : null;
    setImmediate(() => callback(error));
  }
}

const store = new FailingStore();
let server: TestServer;
before(async () => {
  server = await startEngine({}, store);
});
after(() => server.close());

test('MQTT 5: a PUBLISH whose write-ahead fails gets PUBACK/PUBREC 0x80 with the reason, the QoS 2 flow ends there; once the store writes again, 0x00', async () => {
  store.failing = true;
  const raw = await server.raw(5);
  await raw.connect('failing-v5', { properties: { requestProblemInformation: true } });
  raw.send({ cmd: 'publish', topic: 'full/q1', payload: Buffer.from('a'), qos: 1, retain: false, dup: false, messageId: 1 });
  const puback = await raw.next('puback');
  assert.equal(puback.reasonCode, 0x80);
  assert.match(String(puback.properties?.reasonString), /could not be stored: database or disk is full/);
  raw.send({ cmd: 'publish', topic: 'full/q2', payload: Buffer.from('b'), qos: 2, retain: false, dup: false, messageId: 2 });
  assert.equal((await raw.next('pubrec')).reasonCode, 0x80);
  // [MQTT-4.3.3-9] a PUBREC >= 0x80 ends the flow: the packet identifier is free again
  assert.equal(server.engine.sessions.get('failing-v5')?.incomingQos2.has(2), false);
  assert.equal(raw.closed, false, 'the connection stays open');

  store.failing = false;
  raw.send({ cmd: 'publish', topic: 'full/q2', payload: Buffer.from('c'), qos: 2, retain: false, dup: false, messageId: 2 });
  const pubrec = await raw.next('pubrec');
  assert.equal(pubrec.reasonCode ?? 0, 0x10, 'accepted now (no matching subscribers)');
  raw.close();
});

test('MQTT 5 without problem information: 0x80 and no reason string [MQTT-3.1.2-29]', async () => {
  store.failing = true;
  const raw = await server.raw(5);
  await raw.connect('failing-v5-quiet', { properties: { requestProblemInformation: false } });
  raw.send({ cmd: 'publish', topic: 'full/q1', payload: Buffer.from('a'), qos: 1, retain: false, dup: false, messageId: 1 });
  const puback = await raw.next('puback');
  assert.equal(puback.reasonCode, 0x80);
  assert.equal(puback.properties?.reasonString, undefined);
  raw.close();
});

test('MQTT 3.1.1: no acknowledgement, the connection ends (the client sends the PUBLISH again)', async () => {
  store.failing = true;
  const raw = await server.raw(4);
  await raw.connect('failing-v4');
  raw.send({ cmd: 'publish', topic: 'full/q1', payload: Buffer.from('a'), qos: 1, retain: false, dup: false, messageId: 1 });
  await raw.whenClosed();
  assert.equal(raw.packets.some((p) => p.cmd === 'puback'), false);
});
