import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asHex, payloadBytes, renderPayload } from '../../../lib/payload-view.ts';
import { toPublishPayload } from '../lib/payload.ts';

test('base64 and hex payloads become their bytes', () => {
  assert.deepEqual([...payloadBytes('aGk=', 'base64')], [0x68, 0x69]);
  assert.deepEqual([...payloadBytes('00ff', 'hex')], [0, 255]);
  assert.deepEqual([...payloadBytes('hi', 'utf8')], [0x68, 0x69]);
});

test('views: text, pretty JSON, hex dump; what cannot be shown says so', () => {
  const json = payloadBytes(btoa('{"a":1}'), 'base64');
  assert.deepEqual(renderPayload(json, 'json'), { text: '{\n  "a": 1\n}' });
  assert.deepEqual(renderPayload(json, 'text'), { text: '{"a":1}' });
  assert.equal(renderPayload(payloadBytes('hello', 'utf8'), 'json').note, 'Not valid JSON: shown as text');
  const binary = new Uint8Array([0xff, 0x00, 0x41]);
  assert.equal(renderPayload(binary, 'text').note, 'Not UTF-8 text: shown as hex');
  assert.equal(asHex(binary), `00000000  ${'ff 00 41'.padEnd(47)}  ..A`);
  assert.equal(renderPayload(new Uint8Array(), 'text').note, 'Empty payload');
});

test('the publish form parses JSON and strips spaces from hex', () => {
  assert.deepEqual(toPublishPayload('{"a": [1]}', 'json'), { payload: { a: [1] }, binaryFormat: 'json' });
  assert.ok('error' in toPublishPayload('{nope', 'json'));
  assert.deepEqual(toPublishPayload('de ad', 'hex'), { payload: 'dead', binaryFormat: 'hex' });
});
