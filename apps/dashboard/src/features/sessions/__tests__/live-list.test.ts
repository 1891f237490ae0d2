import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionDetail, SessionListRow, SessionsPage } from '@mqdash/contracts';
import { compareRows, ipSortKey, matchesFilter, mergeRowIntoDetail, patchPage, priorCandidates } from '../lib/live-list.ts';
import { defaultListState, listStateFromQuery, parseListSearch, toSessionsQuery } from '../lib/list-state.ts';

const TS = '2030-01-01T12:00:10.000Z';
const EARLIER = '2030-01-01T11:00:00.000Z';
const NOW = '2030-01-01T12:00:09.000Z';

const row = (clientName: string, patch: Partial<SessionListRow> = {}): SessionListRow => ({
  clientName,
  sessionType: 'mqtt',
  sessionStatus: 'normal',
  connectionStatus: 'connected',
  sessionHealth: 'healthy',
  temporarySession: false,
  subscribedTopicFiltersCount: 0,
  publishRatePerMinute: 0,
  receiveMessagesPerMinute: 0,
  currentDeliveryBacklogged: 0,
  lastConnectDateTime: EARLIER,
  lastDisconnectDateTime: '2030-01-01T10:00:00.000Z',
  ...patch,
});

const queryOf = (search: string) => toSessionsQuery(parseListSearch(new URLSearchParams(search)));
const pageOf = (rows: SessionListRow[], total: number, page = 0, pageSize = 50): SessionsPage => ({ rows, total, page, pageSize });
const never = () => undefined;
const names = (p: SessionsPage) => p.rows.map((r) => r.clientName);

test('a query key converts back to the list state it was made from', () => {
  const state = parseListSearch(new URLSearchParams('prefix=a&connection=connected&status=banned&showHidden=1&withThresholds=1&labelId=3&sort=lastConnect&dir=desc&page=4&pageSize=25'));
  assert.deepEqual(listStateFromQuery(toSessionsQuery(state)), state);
  assert.deepEqual(listStateFromQuery(toSessionsQuery(defaultListState)), defaultListState);
});

test('filter matching follows the server: prefix, type, health, label, hidden rules, connection', () => {
  const f = (s: string) => parseListSearch(new URLSearchParams(s));
  assert.equal(matchesFilter(row('plant-1'), f('prefix=plant-')), 'yes');
  assert.equal(matchesFilter(row('other'), f('prefix=plant-')), 'no');
  assert.equal(matchesFilter(row('a', { sessionStatus: 'hidden' }), f('')), 'no', 'no status filter leaves hidden out');
  assert.equal(matchesFilter(row('a', { sessionStatus: 'hidden' }), f('showHidden=1')), 'yes');
  assert.equal(matchesFilter(row('a', { sessionStatus: 'hidden' }), f('status=hidden')), 'yes');
  assert.equal(matchesFilter(row('a', { sessionStatus: 'banned' }), f('status=normal,inactive')), 'no');
  assert.equal(matchesFilter(row('a', { sessionHealth: 'unhealthy' }), f('health=unhealthy')), 'yes');
  assert.equal(matchesFilter(row('a'), f('health=unhealthy')), 'no');
  assert.equal(matchesFilter(row('a', { label: { id: 3, group: '', name: 'x' } }), f('labelId=3')), 'yes');
  assert.equal(matchesFilter(row('a'), f('labelId=3')), 'no');
  assert.equal(matchesFilter(row('a', { label: { id: 4, group: '', name: 'x' } }), f('labels=3,4')), 'yes');
  assert.equal(matchesFilter(row('a', { connectionStatus: 'disconnected' }), f('connection=connected')), 'no');
  assert.equal(matchesFilter(row('a', { sessionType: 'mqApi', connectionStatus: 'disconnected', lastConnectDateTime: undefined }), f('connection=unknown')), 'maybe');
  assert.equal(matchesFilter(row('a'), f('withThresholds=1')), 'maybe', 'thresholds are not in a row');
  assert.equal(matchesFilter(row('a', { sessionHealth: 'unhealthy' }), f('withThresholds=1')), 'yes');
});

test('issue 13 filters match as the server does: substring search, user name, IP/CIDR, protocol', () => {
  const f = (s: string) => parseListSearch(new URLSearchParams(s));
  const r = row('Plant-7/press', { username: 'fleet-svc', ipaddress: '10.1.2.3', mqttProtocol: '5.0', label: { id: 1, group: 'site', name: 'Hall North' } });
  for (const q of ['ANT-7', 'et-sv', '1.2.3', 'hall n']) assert.equal(matchesFilter(r, f(`q=${encodeURIComponent(q)}`)), 'yes', q);
  assert.equal(matchesFilter(r, f('q=nothing')), 'no');
  assert.equal(matchesFilter(r, f('q=Pl')), 'yes', 'two characters: a client-id prefix');
  assert.equal(matchesFilter(r, f('q=la')), 'no', 'two characters inside the name do not match');
  assert.equal(matchesFilter(r, f('username=fleet-svc')), 'yes');
  assert.equal(matchesFilter(r, f('username=fleet')), 'no');
  assert.equal(matchesFilter(r, f(`ip=${encodeURIComponent('10.0.0.0/8')}`)), 'yes');
  assert.equal(matchesFilter(r, f(`ip=${encodeURIComponent('10.2.0.0/16')}`)), 'no');
  assert.equal(matchesFilter(row('v6', { ipaddress: '2001:db8::5' }), f(`ip=${encodeURIComponent('2001:db8::/32')}`)), 'yes');
  assert.equal(matchesFilter(r, f('protocol=3.1.1')), 'no');
  assert.equal(matchesFilter(r, f('protocol=3.1.1,5.0')), 'yes');
});

test('the order is the server order: nulls last either way, clientName breaks ties, addresses in address order', () => {
  const a = row('a', { lastConnectDateTime: '2030-01-01T00:00:01Z' });
  const b = row('b', { lastConnectDateTime: '2030-01-01T00:00:02Z' });
  const n = row('n', { lastConnectDateTime: undefined });
  assert.deepEqual([n, b, a].sort((x, y) => compareRows(x, y, 'lastConnect', 'asc')).map((r) => r.clientName), ['a', 'b', 'n']);
  assert.deepEqual([n, a, b].sort((x, y) => compareRows(x, y, 'lastConnect', 'desc')).map((r) => r.clientName), ['b', 'a', 'n']);
  assert.ok(ipSortKey('10.0.0.2')! < ipSortKey('10.0.0.10')!);
  assert.ok(ipSortKey('255.0.0.1')! < ipSortKey('::1')!);
  assert.equal(ipSortKey('::1'), '~0000:0000:0000:0000:0000:0000:0000:0001');
});

test('a row on the page is replaced in place; the page object is new, the other rows are the same objects', () => {
  const b = row('b');
  const page = pageOf([row('a'), b], 2);
  const changed = row('a', { sessionHealth: 'unhealthy', publishRatePerMinute: 99 });
  const r = patchPage(page, queryOf(''), { ts: TS, changes: [changed], removed: [] }, never);
  assert.equal(r.changed, true);
  assert.equal(r.stale, false);
  assert.equal(r.page.rows[0], changed);
  assert.equal(r.page.rows[1], b);
  assert.equal(r.page.total, 2);
});

test('a new session that matches appears in sort order and the total grows; one that does not is ignored', () => {
  const page = pageOf([row('a'), row('c')], 2);
  const fresh = row('b', { lastConnectDateTime: NOW, lastDisconnectDateTime: undefined });
  const r = patchPage(page, queryOf(''), { ts: TS, changes: [fresh], removed: [] }, never);
  assert.deepEqual(names(r.page), ['a', 'b', 'c']);
  assert.equal(r.page.total, 3);
  assert.equal(r.stale, false);

  const other = patchPage(page, queryOf('prefix=x'), { ts: TS, changes: [fresh], removed: [] }, never);
  assert.equal(other.changed, false);
});

test('a full page keeps its size: a new row sorting into it pushes the last one to the next page', () => {
  const page = pageOf([row('a'), row('c')], 5, 0, 2);
  const fresh = row('b', { lastConnectDateTime: NOW, lastDisconnectDateTime: undefined });
  const r = patchPage(page, queryOf('pageSize=25'), { ts: TS, changes: [fresh], removed: [] }, never);
  assert.deepEqual(names(r.page), ['a', 'b']);
  assert.equal(r.page.total, 6);
  const after = patchPage(page, queryOf('pageSize=25'), { ts: TS, changes: [row('d', { lastConnectDateTime: NOW, lastDisconnectDateTime: undefined })], removed: [] }, never);
  assert.deepEqual(names(after.page), ['a', 'c'], 'sorting after a full page: it is on a later page');
  assert.equal(after.page.total, 6);
});

test('a row that stops matching leaves the page and the total; removed sessions disappear', () => {
  const page = pageOf([row('a'), row('b'), row('c')], 3);
  const q = queryOf('connection=connected');
  const r = patchPage(page, q, { ts: TS, changes: [row('b', { connectionStatus: 'disconnected', sessionHealth: 'offline', lastDisconnectDateTime: NOW })], removed: ['c'] }, never);
  assert.deepEqual(names(r.page), ['a']);
  assert.equal(r.page.total, 1);
  assert.equal(r.stale, false);
});

test('a gap with more rows after it asks for a refetch', () => {
  const page = pageOf([row('a'), row('b')], 10, 0, 2);
  const r = patchPage(page, queryOf('pageSize=25'), { ts: TS, changes: [], removed: ['a'] }, never);
  assert.deepEqual(names(r.page), ['b']);
  assert.equal(r.page.total, 9);
  assert.equal(r.stale, true);
});

test('a reconnect of a session this browser never saw joins a "connected" filter (it was disconnected)', () => {
  const page = pageOf([row('a')], 1);
  const reconnect = row('m', { lastConnectDateTime: NOW });
  const r = patchPage(page, queryOf('connection=connected'), { ts: TS, changes: [reconnect], removed: [] }, never);
  assert.deepEqual(names(r.page), ['a', 'm']);
  assert.equal(r.page.total, 2);
  assert.equal(r.stale, false);
  // Without a connection filter it was counted already: the total stays, and it sorts after "a" on the only page.
  const all = patchPage(pageOf([row('a'), row('z')], 3), queryOf(''), { ts: TS, changes: [reconnect], removed: [] }, never);
  assert.equal(all.page.total, 3);
});

test('what the browser saw before decides: a known unhealthy session turning healthy leaves an unhealthy filter', () => {
  const known = row('q', { sessionHealth: 'unhealthy' });
  const page = pageOf([row('a', { sessionHealth: 'unhealthy' })], 2, 0, 1);
  const r = patchPage(page, queryOf('health=unhealthy&pageSize=25'), { ts: TS, changes: [row('q')], removed: [] }, (n) => (n === 'q' ? known : undefined));
  assert.equal(r.page.total, 1);
  assert.equal(r.stale, false);
});

test('a health change of a session never seen, under a health filter, cannot be decided: refetch', () => {
  const page = pageOf([row('a', { sessionHealth: 'unhealthy' })], 1);
  const r = patchPage(page, queryOf('health=unhealthy'), { ts: TS, changes: [row('q', { sessionHealth: 'healthy' })], removed: [] }, never);
  assert.equal(r.stale, true);
  assert.equal(r.page.total, 1);
});

test('sorted by last connect, newest first: a reconnecting session moves to the top of the first page', () => {
  const page = pageOf([row('x', { lastConnectDateTime: '2030-01-01T11:30:00Z' }), row('y', { lastConnectDateTime: '2030-01-01T11:20:00Z' })], 5, 0, 2);
  const r = patchPage(page, queryOf('sort=lastConnect&dir=desc&pageSize=25'), { ts: TS, changes: [row('old', { lastConnectDateTime: NOW })], removed: [] }, never);
  assert.deepEqual(names(r.page), ['old', 'x']);
  assert.equal(r.page.total, 5);
});

test('on a later page, a new row sorting before it shifts the page: refetch rather than guess', () => {
  const page = pageOf([row('m'), row('n')], 10, 1, 2);
  const r = patchPage(page, queryOf('page=2&pageSize=25'), { ts: TS, changes: [row('a', { lastConnectDateTime: NOW, lastDisconnectDateTime: undefined })], removed: [] }, never);
  assert.equal(r.page.total, 11);
  assert.equal(r.stale, true);
  assert.deepEqual(names(r.page), ['m', 'n']);
});

test('prior candidates: a first connect is a new session; a connect was disconnected and offline', () => {
  assert.deepEqual(priorCandidates(row('a', { lastConnectDateTime: NOW, lastDisconnectDateTime: undefined }), Date.parse(TS), undefined), []);
  const was = priorCandidates(row('a', { lastConnectDateTime: NOW }), Date.parse(TS), undefined);
  assert.deepEqual(was.map((r) => [r.connectionStatus, r.sessionHealth, r.sessionStatus]), [['disconnected', 'offline', 'normal'], ['disconnected', 'offline', 'inactive']]);
});

test('a detail takes the row fields and keeps the rest', () => {
  const detail = { clientName: 'a', connectionStatus: 'connected', sessionStatus: 'normal', subscriberCount: 2, stats: { sessionHealth: 'healthy', totalMessagesPublished: 7 } } as unknown as SessionDetail;
  const merged = mergeRowIntoDetail(detail, row('a', { connectionStatus: 'disconnected', sessionHealth: 'offline', sessionStatus: 'banned' }));
  assert.equal(merged.connectionStatus, 'disconnected');
  assert.equal(merged.sessionStatus, 'banned');
  assert.equal(merged.stats?.sessionHealth, 'offline');
  assert.equal(merged.stats?.totalMessagesPublished, 7);
  assert.equal(merged.subscriberCount, 2);
});
