/**
 * createLabel: FairCom's documented request and response examples, sent as JSON to a real broker.
 * Page: https://docs.faircom.com/docs/en/UUID-3c918145-c636-fd31-bc87-b5672b5ee722.html
 * Its "Typical" example is on the older copy: https://faircom.helpjuice.com/en_US/label-api-actions/createlabel
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type TestBroker } from '../helpers.ts';
import { assertRefused, assertSucceeded, send } from './faircom-helpers.ts';

let tb: TestBroker;
before(async () => {
  tb = await startBroker();
});
after(async () => {
  await tb?.close();
});

/** The properties of FairCom's response example, with their types. */
function assertLabelShape(l: Record<string, unknown>): void {
  for (const [k, type] of Object.entries({ id: 'number', group: 'string', name: 'string', enum: 'number', sequence: 'number', deprecated: 'boolean', description: 'string' }))
    assert.equal(typeof l[k], type, `${k} is a ${type}`);
  assert.ok('value' in l && 'metadata' in l);
}

test('Minimal: a label in the empty group', async () => {
  const example = { api: 'admin', action: 'createLabel', params: { name: 'myLabelName' }, authToken: 'replaceWithAuthTokenFromCreateSession' };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assertLabelShape(r.result);
  assert.equal(r.result.group, '');
  assert.equal(r.result.name, 'myLabelName');
  assert.deepEqual([r.result.value, r.result.enum, r.result.sequence, r.result.deprecated, r.result.description], [null, 0, 0, false, '']);
});

test('group and name', async () => {
  const example = { api: 'admin', action: 'createLabel', params: { group: 'myLabelGroupName', name: 'myLabelName' }, authToken: 'replaceWithAuthTokenFromCreateSession' };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.equal(r.result.group, 'myLabelGroupName');
});

test('Typical (older copy): every property stored and returned', async () => {
  const example = {
    api: 'admin', action: 'createLabel',
    params: { group: 'product/color/', name: 'myLabel2', value: 1, enum: 0, sequence: 1, deprecated: false, description: 'unknown', metadata: {} },
    authToken: 'replaceWithAuthTokenFromCreateSession', debug: 'none',
  };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.equal(r.debugInfo, undefined, 'debug "none"');
  assert.deepEqual(
    { ...r.result, id: 0, createdDateTime: '' },
    { id: 0, group: 'product/color/', name: 'myLabel2', value: 1, enum: 0, sequence: 1, deprecated: false, description: 'unknown', metadata: {}, createdDateTime: '', sessionCount: 0 },
  );
});

test('Maximal: the response example\'s shape; listLabels returns what was stored', async () => {
  const example = {
    api: 'admin', action: 'createLabel',
    params: { group: 'myLabelGroupName', name: 'mySecondLabelName', value: 99, enum: 0, sequence: 1.2, deprecated: false, description: 'My label description.', metadata: {} },
    authToken: 'replaceWithAuthTokenFromCreateSession', apiVersion: '1.0', requestId: '3', debug: 'max',
  };
  const r = await send(tb, example);
  assertSucceeded(r, example, 'Maximal');
  assertLabelShape(r.result);
  assert.deepEqual(
    [r.result.group, r.result.name, r.result.value, r.result.enum, r.result.sequence, r.result.deprecated, r.result.description, r.result.metadata],
    ['myLabelGroupName', 'mySecondLabelName', 99, 0, 1.2, false, 'My label description.', {}],
  );
  const listed = await tb.ok('listLabels', { idFilter: [r.result.id], includeDescription: true, includeMetadata: true });
  assert.deepEqual(listed.data[0], r.result);
});

test('metadata is any JSON; metadata.color is a CSS hex colour; group + name must be new', async () => {
  const colored = await tb.ok('createLabel', { group: 'site/', name: 'north', metadata: { color: '#3b82f6', owner: 'ops' } });
  assert.deepEqual(colored.metadata, { color: '#3b82f6', owner: 'ops' });
  assert.deepEqual((await tb.ok('createLabel', { group: 'site/', name: 'list-meta', metadata: ['a', 1] })).metadata, ['a', 1]);
  assertRefused(await tb.act('createLabel', { group: 'site/', name: 'south', metadata: { color: 'blue-ish' } }), 14003, 'params.metadata.color');
  assertRefused(await tb.act('createLabel', { group: 'site/', name: 'north' }), 14007, 'params.name');
  assertRefused(await tb.act('createLabel', { name: 'big-enum', enum: 40000 }), 14003, 'params.enum');
  assertRefused(await tb.act('createLabel', { name: 'no-name', sequence: 'soon' }), 14002, 'params.sequence');
});
