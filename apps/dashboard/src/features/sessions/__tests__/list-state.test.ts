import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  clearFilters, defaultListState, hasActiveFilters, listSearchParams, pageCount, parseListSearch, sortingFromState,
  toFilterQuery, toSessionsQuery, withFilters, withSorting,
} from '../lib/list-state.ts';

test('an empty URL is the default state, and the default state is an empty URL', () => {
  assert.deepEqual(parseListSearch(new URLSearchParams()), defaultListState);
  assert.equal(listSearchParams(defaultListState).toString(), '');
});

test('URL → state → URL keeps every filter, the sort and the page', () => {
  const url = 'q=sensor%2F&username=fleet&ip=10.0.0.0%2F8&protocol=5.0,3.1.1&connection=connected,unknown&status=banned&type=mqApi&health=unhealthy,offline&labels=7,9&showHidden=1&withThresholds=1&sort=lastConnect&dir=desc&page=3&pageSize=100';
  const state = parseListSearch(new URLSearchParams(url));
  assert.equal(state.search, 'sensor/');
  assert.equal(state.username, 'fleet');
  assert.equal(state.ip, '10.0.0.0/8');
  assert.deepEqual(state.protocol, ['3.1.1', '5.0']);
  assert.deepEqual(state.connection, ['connected', 'unknown']);
  assert.deepEqual(state.health, ['unhealthy', 'offline']);
  assert.deepEqual(state.labelIds, [7, 9]);
  assert.equal(state.page, 2);
  assert.equal(state.pageSize, 100);
  assert.deepEqual(parseListSearch(listSearchParams(state)), state);
});

test('unknown values are dropped, not passed to the server', () => {
  const state = parseListSearch(new URLSearchParams('connection=bogus,connected&sort=evil&dir=up&page=-1&pageSize=7&labelId=x'));
  assert.deepEqual(state.connection, ['connected']);
  assert.equal(state.sort, 'clientName');
  assert.equal(state.dir, 'asc');
  assert.equal(state.page, 0);
  assert.equal(state.pageSize, 50);
  assert.deepEqual(state.labelIds, []);
});

test('links from before issue 13 still open: prefix is the search, labelId one label', () => {
  const state = parseListSearch(new URLSearchParams('prefix=plant-&labelId=4'));
  assert.equal(state.search, 'plant-');
  assert.deepEqual(state.labelIds, [4]);
  assert.equal(listSearchParams(state).toString(), 'q=plant-&labels=4');
});

test('the BFF query holds filters, sort and a 0-based page', () => {
  const state = { ...defaultListState, search: 'a', ip: '::1', labelIds: [2, 5], withThresholdsOnly: true, page: 4 };
  assert.deepEqual(toSessionsQuery(state), { q: 'a', ip: '::1', labelIds: '2,5', unsetHealthMeasures: 'false', sort: 'clientName', dir: 'asc', page: '4', pageSize: '50' });
  assert.deepEqual(toFilterQuery(state), { q: 'a', ip: '::1', labelIds: '2,5', unsetHealthMeasures: 'false' });
});

test('changing a filter or the sort goes back to the first page', () => {
  const onPage3 = { ...defaultListState, page: 3 };
  assert.equal(withFilters(onPage3, { health: ['unhealthy'] }).page, 0);
  const sorted = withSorting(onPage3, [{ id: 'lastDisconnect', desc: true }]);
  assert.deepEqual([sorted.sort, sorted.dir, sorted.page], ['lastDisconnect', 'desc', 0]);
  assert.deepEqual(sortingFromState(sorted), [{ id: 'lastDisconnect', desc: true }]);
  assert.equal(withSorting(onPage3, [{ id: 'health', desc: false }]), onPage3);
});

test('clearing filters keeps sort and page size', () => {
  const state = { ...defaultListState, search: 'x', sort: 'ipAddress' as const, pageSize: 200 };
  assert.equal(hasActiveFilters(state), true);
  const cleared = clearFilters(state);
  assert.equal(hasActiveFilters(cleared), false);
  assert.deepEqual([cleared.sort, cleared.pageSize], ['ipAddress', 200]);
});

test('page count is at least 1', () => {
  assert.equal(pageCount(0, 50), 1);
  assert.equal(pageCount(101, 50), 3);
});
