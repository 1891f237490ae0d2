/**
 * alterLabel: FairCom's documented request and response examples, sent as JSON to a real broker;
 * a session carrying the label keeps it through a rename.
 * Page: https://docs.faircom.com/docs/en/UUID-1fe546a9-5c01-30a0-7515-d8f2ca91af1e.html
 * Its "Typical" example is on the older copy: https://faircom.helpjuice.com/en_US/label-api-actions/alterlabel
 * (The page's Minimal example has no authToken; every label action needs one, so it is added.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type TestBroker } from '../helpers.ts';
import { assertRefused, assertSucceeded, send } from './faircom-helpers.ts';

let tb: TestBroker;
before(async () => {
  tb = await startBroker();
  await tb.ok('createLabel', { name: 'mylabelName' });
  await tb.ok('createLabel', { group: 'product/color/', name: 'myLabel2' });
  await tb.ok('createLabel', { group: 'myLabelGroupName', name: 'mySecondLabelName', value: 99, enum: 0, sequence: 1.2, description: 'My label description.' });
});
after(async () => {
  await tb?.close();
});

test('Minimal: allowed, changes nothing, answers the label', async () => {
  const before = await tb.ok('listLabels', { nameFilter: ['mylabelName'], includeDescription: true, includeMetadata: true });
  const example = { action: 'alterLabel', params: { name: 'mylabelName' }, authToken: 'replaceWithAuthTokenFromCreateSession' };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.equal(r.result.name, 'mylabelName');
  const after = await tb.ok('listLabels', { nameFilter: ['mylabelName'], includeDescription: true, includeMetadata: true });
  assert.deepEqual(after, before);
});

test('Typical (older copy): every property but group and name changed', async () => {
  const example = {
    api: 'admin', action: 'alterLabel',
    params: { group: 'product/color/', name: 'myLabel2', value: 99, enum: 1, sequence: 3.2, deprecated: false, description: 'My label description.', metadata: { myKey: 'myValue' } },
    authToken: 'replaceWithAuthTokenFromCreateSession', requestId: '2', debug: 'none',
  };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.deepEqual(
    [r.result.group, r.result.name, r.result.value, r.result.enum, r.result.sequence, r.result.deprecated, r.result.description, r.result.metadata],
    ['product/color/', 'myLabel2', 99, 1, 3.2, false, 'My label description.', { myKey: 'myValue' }],
  );
  assert.equal(typeof r.result.updatedDateTime, 'string');
});

test('Maximal using group and name: renamed, deprecated, sequence given as "3.14"; a carrying session keeps it', async () => {
  await tb.ok('createMqApiSession', { clientName: 'labelled', label: { group: 'myLabelGroupName', name: 'mySecondLabelName' } });
  const example = {
    api: 'admin', action: 'alterLabel',
    params: {
      group: 'myLabelGroupName', name: 'mySecondLabelName',
      newGroup: 'new group name', newName: 'new label name must be unique in the label\'s group',
      enum: 1, sequence: '3.14', deprecated: true, description: 'new label description', metadata: { new: 'metadata' },
    },
    authToken: 'replaceWithAuthTokenFromCreateSession', apiVersion: '1.0', requestId: '3', debug: 'max',
  };
  const r = await send(tb, example);
  assertSucceeded(r, example, 'Maximal');
  // The response example's properties.
  assert.deepEqual(
    [r.result.group, r.result.name, r.result.enum, r.result.sequence, r.result.deprecated, r.result.description, r.result.metadata],
    ['new group name', 'new label name must be unique in the label\'s group', 1, 3.14, true, 'new label description', { new: 'metadata' }],
  );
  const label = (await tb.describe('labelled')).label;
  assert.deepEqual(label, { id: r.result.id, group: 'new group name', name: 'new label name must be unique in the label\'s group' });
  assert.deepEqual((await tb.ok('listLabelGroups', {})).groups.includes('myLabelGroupName'), false, 'the old group is gone with its last label');
});

test('Using id: renamed back and undeprecated', async () => {
  const id = (await tb.ok('listLabels', { groupFilter: ['new group name'] })).data[0].id;
  const example = {
    api: 'admin', action: 'alterLabel',
    params: { id: 1, newGroup: 'my group name', newName: 'my label name must be unique in the label\'s group', deprecated: false },
    authToken: 'replaceWithAuthTokenFromCreateSession',
  };
  const r = await send(tb, { ...example, params: { ...example.params, id } });
  assertSucceeded(r, example);
  assert.deepEqual([r.result.id, r.result.group, r.result.name, r.result.deprecated], [id, 'my group name', 'my label name must be unique in the label\'s group', false]);
});

test('refusals: unknown label, a name already taken, id together with name', async () => {
  assertRefused(await tb.act('alterLabel', { id: 9999, deprecated: true }), 14012, 'params.id');
  assertRefused(await tb.act('alterLabel', { group: 'nope', name: 'nope' }), 14012, 'params.name');
  assertRefused(await tb.act('alterLabel', { name: 'mylabelName', newGroup: 'product/color/', newName: 'myLabel2' }), 14007, 'params.newName');
  assertRefused(await tb.act('alterLabel', { id: 1, name: 'mylabelName' }), 14004, 'params.name');
  assertRefused(await tb.act('alterLabel', { deprecated: true }), 14001, 'params.name');
});
