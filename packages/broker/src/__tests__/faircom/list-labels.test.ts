/**
 * listLabels: FairCom's documented request examples, sent as JSON to a real broker, and every
 * filter the page describes.
 * Page: https://docs.faircom.com/docs/en/UUID-5c04a888-f543-af26-7b95-565d4a51189b.html
 * Older copy (the Note on mutually exclusive filters): https://faircom.helpjuice.com/en_US/label-api-actions/listlabels
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type TestBroker } from '../helpers.ts';
import { assertRefused, assertSucceeded, send, type Res } from './faircom-helpers.ts';

let tb: TestBroker;
const ids: Record<string, number> = {};
const names = (r: Res) => (r.result.data as Array<{ group: string; name: string }>).map((l) => `${l.group}${l.name}`);

before(async () => {
  tb = await startBroker();
  const make = async (p: Record<string, unknown>) => (ids[`${p.group}${p.name}`] = (await tb.ok('createLabel', p)).id);
  await make({ group: 'product/color/', name: 'my label 1', enum: 0, sequence: 3.2, description: 'd1', metadata: { color: '#f00' } });
  await make({ group: 'product/color/', name: 'myLabel2', enum: 1, sequence: 4.4 });
  await make({ group: 'product/color/', name: 'old', enum: 1, sequence: 4.4, deprecated: true });
  await make({ group: 'product/size/', name: 'myLabel2', enum: 2, sequence: 1 });
  await make({ group: 'person/', name: 'my label 1', enum: 0, sequence: 3.2 });
});
after(async () => {
  await tb?.close();
});

test('Minimal: every label', async () => {
  const example = { api: 'admin', action: 'listLabels', params: {}, authToken: 'replaceWithAuthTokenFromCreateSession' };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.equal(r.result.data.length, 5);
  assert.equal(r.result.data[0].description, undefined, 'no description unless asked');
  assert.equal(r.result.data[0].metadata, undefined, 'no metadata unless asked');
});

test('the filters example: partialGroupFilter, nameFilter, deprecatedFilter, enumFilter and sequenceFilter (numbers as strings too), AND-combined', async () => {
  const example = {
    api: 'admin', action: 'listLabels',
    params: {
      partialGroupFilter: 'product/color/', nameFilter: ['my label 1', 'myLabel2'], deprecatedFilter: false,
      enumFilter: [0, '1'], sequenceFilter: [3.2, '4.4'], includeDescription: true, includeMetadata: true,
    },
    authToken: 'replaceWithAuthTokenFromCreateSession', apiVersion: '1.0', requestId: '2', debug: 'max',
  };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.deepEqual(names(r), ['product/color/my label 1', 'product/color/myLabel2']);
  assert.equal(r.result.data[0].description, 'd1');
  assert.deepEqual(r.result.data[0].metadata, { color: '#f00' });
});

test('idFilter (an id may be written as a string), and alone: another filter beside it is refused', async () => {
  const a = ids['product/size/myLabel2']!;
  const b = ids['person/my label 1']!;
  const example = { api: 'admin', action: 'listLabels', params: { idFilter: [a, String(b)] }, authToken: 'replaceWithAuthTokenFromCreateSession' };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.deepEqual(names(r).sort(), ['person/my label 1', 'product/size/myLabel2']);
  assertRefused(await tb.act('listLabels', { idFilter: [a], nameFilter: ['x'] }), 14004, 'params.nameFilter');
});

test('groupFilter, partialNameFilter, deprecatedFilter true; the exclusive pairs of the older copy\'s Note', async () => {
  assert.deepEqual(names(await tb.act('listLabels', { groupFilter: ['person/', 'product/size/'] })), ['person/my label 1', 'product/size/myLabel2']);
  assert.deepEqual(names(await tb.act('listLabels', { partialNameFilter: 'my' })).length, 4);
  assert.deepEqual(names(await tb.act('listLabels', { deprecatedFilter: true })), ['product/color/old']);
  assertRefused(await tb.act('listLabels', { groupFilter: ['person/'], partialGroupFilter: 'p' }), 14004, 'params.partialGroupFilter');
  assertRefused(await tb.act('listLabels', { nameFilter: ['old'], partialNameFilter: 'o' }), 14004, 'params.partialNameFilter');
  // The older copy spells it "partialnameFilter" once: a letter-case variant is refused, naming the right spelling.
  const misspelt = await tb.act('listLabels', { partialnameFilter: 'my' });
  assertRefused(misspelt, 14015, 'params.partialnameFilter');
  assert.match(misspelt.errorMessage, /partialNameFilter/);
});
