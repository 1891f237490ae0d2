/**
 * Reason strings on acknowledgements (MQTT 5 §2.4): PUBACK/PUBREC, PUBCOMP, SUBACK and UNSUBACK
 * carrying a failure or 0x10 say why in words when the client wants problem information, never
 * when it does not [MQTT-3.1.2-29], and never at the cost of the packet [MQTT-3.4.2-2].
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientInfo, EngineMessage, Subscription } from '../types.ts';
import { startEngine, type TestServer } from './helpers.ts';

let server: TestServer;
before(async () => {
  server = await startEngine({
    hooks: {
      authorizePublish: (_client: ClientInfo | undefined, message: EngineMessage) => (message.topic.startsWith('forbidden/') ? 0x87 : 0),
      authorizeSubscribe: (_client: ClientInfo, subscription: Subscription) => (subscription.filter.startsWith('forbidden/') ? 0x87 : subscription.qos),
    },
  });
});
after(() => server.close());

const publish = (topic: string, qos: 1 | 2, messageId: number) =>
  ({ cmd: 'publish', topic, payload: Buffer.from('x'), qos, retain: false, dup: false, messageId }) as const;

describe('with Request Problem Information (the default)', () => {
  test('MQTT 5 §3.4.2.2.2: PUBACK/PUBREC 0x87 Not authorized and 0x10 No matching subscribers carry a reason string', async () => {
    const raw = await server.raw(5);
    await raw.connect('reasons-publish');
    raw.send(publish('forbidden/x', 1, 1));
    const refused = await raw.next('puback');
    assert.equal(refused.reasonCode, 0x87);
    assert.equal(refused.properties?.reasonString, 'not authorized');
    raw.send(publish('forbidden/y', 2, 2));
    const refusedQos2 = await raw.next('pubrec');
    assert.equal(refusedQos2.reasonCode, 0x87);
    assert.equal(refusedQos2.properties?.reasonString, 'not authorized');
    raw.send(publish('nobody/listens', 1, 3));
    const unmatched = await raw.next('puback');
    assert.equal(unmatched.reasonCode, 0x10);
    assert.equal(unmatched.properties?.reasonString, 'no matching subscribers');
    raw.close();
  });

  test('a successful acknowledgement carries no reason string', async () => {
    const raw = await server.raw(5);
    await raw.connect('reasons-ok');
    const suback = await raw.subscribe('ok/#', 1);
    assert.deepEqual(suback.granted, [1]);
    assert.equal(suback.properties?.reasonString, undefined);
    raw.send(publish('ok/x', 1, 7));
    const puback = await raw.next('puback');
    assert.equal(puback.reasonCode ?? 0, 0);
    assert.equal(puback.properties?.reasonString, undefined);
    raw.close();
  });

  test('MQTT 5 §3.7.2.2.2: PUBCOMP 0x92 Packet Identifier not found carries a reason string', async () => {
    const raw = await server.raw(5);
    await raw.connect('reasons-pubcomp');
    raw.send({ cmd: 'pubrel', messageId: 42 });
    const pubcomp = await raw.next('pubcomp');
    assert.equal(pubcomp.reasonCode, 0x92);
    assert.equal(pubcomp.properties?.reasonString, 'packet identifier not found');
    raw.close();
  });

  test('MQTT 5 §3.9.2.1.2, §3.11.2.1.2: SUBACK and UNSUBACK name each failing code once', async () => {
    const raw = await server.raw(5);
    await raw.connect('reasons-subscribe');
    const suback = await raw.subscribeAll([
      { topic: 'fine/#', qos: 1 },
      { topic: 'bad/#/x', qos: 1 },
      { topic: 'forbidden/a', qos: 1 },
      { topic: 'forbidden/b', qos: 0 },
    ]);
    assert.deepEqual(suback.granted, [1, 0x8f, 0x87, 0x87]);
    assert.equal(suback.properties?.reasonString, 'topic filter invalid; not authorized');
    raw.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['fine/#', 'never/subscribed'] });
    const unsuback = await raw.next('unsuback');
    assert.deepEqual(unsuback.granted, [0, 0x11]);
    assert.equal(unsuback.properties?.reasonString, 'no subscription existed');
    raw.close();
  });
});

test('[MQTT-3.1.2-29] Request Problem Information 0: the same refusals carry no reason string', async () => {
  const raw = await server.raw(5);
  await raw.connect('reasons-quiet', { properties: { requestProblemInformation: false } });
  raw.send(publish('forbidden/x', 1, 1));
  const puback = await raw.next('puback');
  assert.equal(puback.reasonCode, 0x87);
  assert.equal(puback.properties?.reasonString, undefined);
  const suback = await raw.subscribe('forbidden/a', 1);
  assert.deepEqual(suback.granted, [0x87]);
  assert.equal(suback.properties?.reasonString, undefined);
  raw.send({ cmd: 'pubrel', messageId: 42 });
  const pubcomp = await raw.next('pubcomp');
  assert.equal(pubcomp.reasonCode, 0x92);
  assert.equal(pubcomp.properties?.reasonString, undefined);
  raw.close();
});

test('[MQTT-3.4.2-2] a reason string that would exceed the client\'s Maximum Packet Size is left off, the acknowledgement is still sent', async () => {
  const raw = await server.raw(5);
  // PUBACK with a reason code: 2 + 2 + 1 + 1 (no properties) = 6 bytes; "not authorized" adds 18
  await raw.connect('reasons-small', { properties: { maximumPacketSize: 10 } });
  raw.send(publish('forbidden/x', 1, 1));
  const puback = await raw.next('puback');
  assert.equal(puback.reasonCode, 0x87);
  assert.equal(puback.properties?.reasonString, undefined);
  raw.close();
});
