/**
 * The JSON codec of stored packets and messages (packet-codec.ts): Buffers come back as Buffers
 * wherever toJson wrote them, and nothing else changes (the fast path without a reviver, issue 14).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePacket, encodePacket, fromJson, toJson } from '../packet-codec.ts';

test('Buffers come back at any depth, in objects and arrays; other values are as written', () => {
  const value = {
    payload: Buffer.from([0, 1, 2, 255]),
    properties: { correlationData: Buffer.from('corr'), userProperties: { a: 'b', list: ['x', 'y'] } },
    list: [Buffer.from('one'), { inner: Buffer.alloc(0) }, 3, null, 'text with "$b64" in it'],
    notABuffer: { $b64: 'AAAA', other: 1 },
    n: 1.5, t: true,
  };
  const back = fromJson<typeof value>(toJson(value));
  assert.ok(Buffer.isBuffer(back!.payload) && back!.payload.equals(value.payload));
  assert.ok(Buffer.isBuffer(back!.properties.correlationData) && back!.properties.correlationData.toString() === 'corr');
  assert.ok(Buffer.isBuffer(back!.list[0]) && (back!.list[0] as Buffer).toString() === 'one');
  assert.ok(Buffer.isBuffer((back!.list[1] as { inner: Buffer }).inner));
  assert.deepEqual(back!.list.slice(2), [3, null, 'text with "$b64" in it']);
  assert.deepEqual(back!.notABuffer, { $b64: 'AAAA', other: 1 }, 'an object with more keys than $b64 stays an object');
  assert.deepEqual({ ...back!.properties.userProperties }, { a: 'b', list: ['x', 'y'] });
  assert.equal(back!.n, 1.5);
  assert.equal(fromJson(toJson({ a: 1 })) !== undefined, true);
  assert.equal(fromJson(null), undefined);
});

test('a key named __proto__ stays a plain property, also when it holds a Buffer', () => {
  const text = `{"properties":{"userProperties":{"__proto__":{"$b64":"${Buffer.from('p').toString('base64')}"},"k":"v"}},"x":{"__proto__":{"y":1}}}`;
  const back = fromJson<any>(text);
  const up = back.properties.userProperties;
  assert.ok(Object.hasOwn(up, '__proto__'));
  assert.ok(Buffer.isBuffer(up['__proto__']));
  assert.equal(Object.getPrototypeOf(up), Object.prototype, 'the prototype is untouched');
  assert.equal(Object.getPrototypeOf(back.x), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(back.x, '__proto__')?.value, { y: 1 });
});

test('a stored packet decodes with its topic, payload and Buffer properties', () => {
  const row = encodePacket({ cmd: 'publish', topic: 't/1', payload: Buffer.from('hi'), qos: 1, messageId: 7, properties: { correlationData: Buffer.from('c') } }, 'messageId');
  const p = decodePacket(row);
  assert.equal(p.topic, 't/1');
  assert.equal((p.payload as Buffer).toString(), 'hi');
  assert.equal(p.messageId, undefined, 'kept in a column of its own');
  assert.ok(Buffer.isBuffer((p.properties as { correlationData: Buffer }).correlationData));
});
