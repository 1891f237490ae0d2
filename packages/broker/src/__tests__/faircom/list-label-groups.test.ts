/**
 * listLabelGroups: FairCom's documented request and response examples, sent as JSON to a real broker.
 * Page: https://docs.faircom.com/docs/en/UUID-73d37eed-0990-0b4d-4807-8e3b5fd62d20.html
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type TestBroker } from '../helpers.ts';
import { assertSucceeded, send } from './faircom-helpers.ts';

let tb: TestBroker;
before(async () => {
  tb = await startBroker();
  for (const group of ['product/size/', 'product/weight/', 'person/ranking/']) await tb.ok('createLabel', { group, name: 'a' });
});
after(async () => {
  await tb?.close();
});

test('Minimal: result.groups lists every group in use', async () => {
  const example = { api: 'admin', action: 'listLabelGroups', params: {}, authToken: 'replaceWithAuthTokenFromCreateSession' };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.deepEqual(r.result, { groups: ['person/ranking/', 'product/size/', 'product/weight/'] });
});

test('partialGroupFilter with responseOptions: the response example\'s {groups: []} for a prefix no group has', async () => {
  const example = {
    api: 'admin', action: 'listLabelGroups', params: { partialGroupFilter: 'my group' },
    responseOptions: { dataFormat: 'objects', numberFormat: 'string', binaryFormat: 'hex' },
    authToken: 'replaceWithAuthTokenFromCreateSession', apiVersion: '1.0', requestId: '2', debug: 'max',
  };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.deepEqual(r.result, { groups: [] });
  assert.equal(r.requestId, '2');
  assert.equal((r.debugInfo!.request as { action: string }).action, 'listLabelGroups', 'debugInfo.request, as in the response example');
  assert.deepEqual((await tb.ok('listLabelGroups', { partialGroupFilter: 'product/' })).groups, ['product/size/', 'product/weight/']);
});
