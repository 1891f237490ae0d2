/**
 * deleteLabel: FairCom names the action among its label actions; its own page is not among the
 * stored copies, so these requests follow its label pages' conventions: a label named by "id", or
 * by "group" and "name" (alterLabel, https://docs.faircom.com/docs/en/UUID-1fe546a9-5c01-30a0-7515-d8f2ca91af1e.html),
 * and deleting a label that does not exist is not an error (changeLabels,
 * https://docs.faircom.com/docs/en/UUID-4e8112df-c4fa-4269-4921-f0e8dea6054e.html).
 * Sessions that carried the label carry none afterwards.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type TestBroker } from '../helpers.ts';
import { assertRefused, assertSucceeded, send, warningsOf } from './faircom-helpers.ts';

let tb: TestBroker;
before(async () => {
  tb = await startBroker();
});
after(async () => {
  await tb?.close();
});

test('by group and name: deleted; the sessions carrying it have no label, and its id is unknown afterwards', async () => {
  const label = await tb.ok('createLabel', { group: 'site/', name: 'north' });
  await tb.ok('createMqApiSession', { clientName: 'carrier-1', label: { group: 'site/', name: 'north' } });
  await tb.ok('createMqApiSession', { clientName: 'carrier-2', label: { group: 'site/', name: 'north' } });
  const example = { api: 'admin', action: 'deleteLabel', params: { group: 'site/', name: 'north' }, authToken: 'replaceWithAuthTokenFromCreateSession', requestId: 'd-1', debug: 'max' };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.equal(r.result.deleted, true);
  assert.equal(r.result.sessionsUnlabeled, 2);
  assert.equal(r.result.label.id, label.id);
  assert.equal((await tb.describe('carrier-1')).label, undefined);
  assert.deepEqual((await tb.list({ partialClientName: 'carrier-' })).map((row) => row.label), [undefined, undefined]);
  assertRefused(await tb.act('listMqSessions', { labelId: label.id }), 14012, 'params.labelId');
  assert.deepEqual((await tb.ok('listLabels', { idFilter: [label.id] })).data, []);
});

test('by id; a label that does not exist answers 0 with a warning', async () => {
  const label = await tb.ok('createLabel', { name: 'temp' });
  const example = { api: 'admin', action: 'deleteLabel', params: { id: label.id }, authToken: 'replaceWithAuthTokenFromCreateSession' };
  const r = await send(tb, example);
  assertSucceeded(r, example);
  assert.equal(r.result.deleted, true);
  const again = await send(tb, example);
  assert.equal(again.errorCode, 0, again.errorMessage);
  assert.deepEqual(again.result, { deleted: false, sessionsUnlabeled: 0 });
  assert.equal(warningsOf(again)[0]?.code, 14012);
});

test('a request naming no label, or naming it twice, is refused', async () => {
  assertRefused(await tb.act('deleteLabel', {}), 14001, 'params.name');
  assertRefused(await tb.act('deleteLabel', { id: 1, name: 'x' }), 14004, 'params.name');
});
