/**
 * Issue 13 "Search": listMqSessions' search extensions on a real broker and its SQLite file.
 * `searchText` (a substring of client name, user name, IP address or label name through the
 * trigram index; 1–2 characters a client-name prefix), `usernameFilter`, `ipAddressFilter` (IPv4
 * and IPv6 addresses and CIDR ranges), `mqttProtocolFilter`, several labels or a whole group, all
 * with the existing filters, sorts, paging and totalCount; the index follows every change.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionListRow } from '@mqdash/contracts';
import { newSessionDefaults } from '../registry/registry.ts';
import { permanent4, permanent5, startTestBroker, waitDisconnected, waitFor, type TestBroker } from './api-helpers.ts';

type Params = Record<string, unknown>;

/** Real MQTT clients: client id, user name, source address, protocol. */
const fleet = [
  { name: 'Plant-A/sensor-0051', username: 'fleet-svc', ip: '127.0.0.5', opts: permanent5 },
  { name: 'plant-a/sensor-0052', username: 'fleet-svc', ip: '127.0.0.6', opts: permanent4 },
  { name: 'plant-b/line-3-press', username: 'line-operator', ip: '127.0.1.7', opts: permanent5 },
  { name: 'gateway-07', username: 'gw', ip: '127.0.2.200', opts: permanent4 },
] as const;
/** Stored sessions with IPv6 addresses (the loopback test network has no IPv6 sources). */
const v6 = [
  { name: 'v6-doc-1', ip: '2001:db8::10' },
  { name: 'v6-doc-2', ip: '2001:db8:0:1::20' },
  { name: 'v6-local', ip: '::1' },
];

describe('listMqSessions search extensions', () => {
  let t: TestBroker;
  const names = async (params: Params) => ((await t.ok('listMqSessions', params)).data as SessionListRow[]).map((r) => r.clientName);
  const set = async (params: Params) => (await names(params)).sort();

  before(async () => {
    t = await startTestBroker();
    for (const c of fleet) await t.connect(c.name, { ...c.opts, username: c.username }, c.ip);
    const now = Date.now();
    for (const s of v6) t.broker.store.insertSession({ ...newSessionDefaults(s.name, 'mqtt', now), ipAddress: s.ip, connectionStatus: 'disconnected' });
    await t.ok('alterMqSession', { clientName: 'plant-b/line-3-press', label: { group: 'site', name: 'Hall North' } });
    await t.ok('alterMqSession', { clientName: 'gateway-07', label: { group: 'site', name: 'Yard' } });
    await t.ok('alterMqSession', { clientName: 'v6-doc-1', label: { group: 'tier', name: 'gold' } });
  });
  after(() => t.close());

  test('searchText matches a substring of the client name in any letter case', async () => {
    assert.deepEqual(await set({ searchText: 'SENSOR-005' }), ['Plant-A/sensor-0051', 'plant-a/sensor-0052']);
    assert.deepEqual(await set({ searchText: 'ne-3' }), ['plant-b/line-3-press']);
    assert.deepEqual(await set({ searchText: 'no such thing' }), []);
  });

  test('searchText matches a substring of the user name, the IP address and the label name', async () => {
    assert.deepEqual(await set({ searchText: 'et-sv' }), ['Plant-A/sensor-0051', 'plant-a/sensor-0052']);
    assert.deepEqual(await set({ searchText: '0.2.20' }), ['gateway-07']);
    assert.deepEqual(await set({ searchText: 'db8:0:1' }), ['v6-doc-2']);
    assert.deepEqual(await set({ searchText: 'hall n' }), ['plant-b/line-3-press']);
  });

  test('a term of one or two characters is a client-name prefix (the prefix index)', async () => {
    assert.deepEqual(await set({ searchText: 'pl' }), ['plant-a/sensor-0052', 'plant-b/line-3-press']);
    assert.deepEqual(await set({ searchText: 'v' }), ['v6-doc-1', 'v6-doc-2', 'v6-local']);
    // "et" is inside "fleet-svc" and "gateway", but not at the start of a client name.
    assert.deepEqual(await set({ searchText: 'et' }), []);
  });

  test('usernameFilter takes exact user names, any of them', async () => {
    assert.deepEqual(await set({ usernameFilter: ['fleet-svc', 'gw'] }), ['Plant-A/sensor-0051', 'gateway-07', 'plant-a/sensor-0052']);
    assert.deepEqual(await set({ usernameFilter: ['fleet'] }), []);
  });

  test('ipAddressFilter takes IPv4 and IPv6 addresses and CIDR ranges', async () => {
    assert.deepEqual(await set({ ipAddressFilter: ['127.0.0.0/24'] }), ['Plant-A/sensor-0051', 'plant-a/sensor-0052']);
    assert.deepEqual(await set({ ipAddressFilter: ['127.0.0.6'] }), ['plant-a/sensor-0052']);
    assert.deepEqual(await set({ ipAddressFilter: ['127.0.0.0/23', '127.0.2.200/32'] }), ['Plant-A/sensor-0051', 'gateway-07', 'plant-a/sensor-0052', 'plant-b/line-3-press']);
    assert.deepEqual(await set({ ipAddressFilter: ['2001:db8::/32'] }), ['v6-doc-1', 'v6-doc-2']);
    assert.deepEqual(await set({ ipAddressFilter: ['2001:db8::/64'] }), ['v6-doc-1']);
    assert.deepEqual(await set({ ipAddressFilter: ['::1'] }), ['v6-local']);
    // An IPv4-mapped IPv6 range is its IPv4 range.
    assert.deepEqual(await set({ ipAddressFilter: ['::ffff:127.0.1.0/120'] }), ['plant-b/line-3-press']);
  });

  test('a bad address or CIDR range is refused with an error naming the property', async () => {
    for (const bad of ['10.0.0.0/33', '300.1.1.1', '10.0.0/8', '2001:db8::/129', 'fe80::1%eth0', 'sensor']) {
      const r = await t.run('listMqSessions', { ipAddressFilter: ['127.0.0.1', bad] });
      assert.notEqual(r.errorCode, 0, bad);
      assert.match(r.errorMessage, /params\.ipAddressFilter\[1\]/, bad);
      assert.match(r.errorMessage, /IP address or CIDR range/, bad);
    }
  });

  test('mqttProtocolFilter picks sessions by protocol version', async () => {
    assert.deepEqual(await set({ mqttProtocolFilter: ['3.1.1'] }), ['gateway-07', 'plant-a/sensor-0052']);
    assert.deepEqual(await set({ mqttProtocolFilter: ['5.0'], searchText: 'plant' }), ['Plant-A/sensor-0051', 'plant-b/line-3-press']);
    const r = await t.run('listMqSessions', { mqttProtocolFilter: ['4'] });
    assert.match(r.errorMessage, /params\.mqttProtocolFilter\[0\]/);
  });

  test('several labels, by id or name, or a whole group', async () => {
    const labels = (await t.ok('listLabels', {})).data as Array<{ id: number; group: string; name: string }>;
    const id = (name: string) => labels.find((l) => l.name === name)!.id;
    assert.deepEqual(await set({ labelIdFilter: [id('Yard'), id('gold')] }), ['gateway-07', 'v6-doc-1']);
    assert.deepEqual(await set({ labelFilter: [{ group: 'site' }] }), ['gateway-07', 'plant-b/line-3-press']);
    assert.deepEqual(await set({ labelFilter: [{ group: 'tier', name: 'gold' }], labelIdFilter: [id('Yard')] }), ['gateway-07', 'v6-doc-1']);
    assert.deepEqual(await set({ labelIdFilter: [999_999] }), []);
    assert.deepEqual(await set({ labelFilter: [{ group: 'nowhere' }] }), []);
  });

  test('combined with the other filters, sorting, paging and totalCount', async () => {
    const all = { searchText: 'sensor', sortDescending: 'clientName' };
    assert.deepEqual(await names(all), ['plant-a/sensor-0052', 'Plant-A/sensor-0051']);
    const page = await t.ok('listMqSessions', { searchText: 'a', sortAscending: 'ipAddress', skipRecords: 0, maxRecords: 1 });
    assert.equal(page.totalCount, 0);
    const wide = await t.ok('listMqSessions', { searchText: '127.0', sortAscending: 'ipAddress', skipRecords: 1, maxRecords: 2 });
    assert.equal(wide.totalCount, 4);
    assert.deepEqual(wide.data.map((r: SessionListRow) => r.clientName), ['plant-a/sensor-0052', 'plant-b/line-3-press']);
    const combined = await t.ok('listMqSessions', { searchText: 'plant', usernameFilter: ['fleet-svc'], ipAddressFilter: ['127.0.0.0/8'], mqttProtocolFilter: ['5.0'], connectionStatusFilter: ['connected'], maxRecords: 10 });
    assert.deepEqual([combined.totalCount, combined.data.map((r: SessionListRow) => r.clientName)], [1, ['Plant-A/sensor-0051']]);
    assert.deepEqual(await set({ searchText: 'plant', partialClientName: 'plant-b' }), ['plant-b/line-3-press']);
  });

  test('the index follows label changes, renames and deletes, new user names and deleted sessions', async () => {
    await t.ok('alterMqSession', { clientName: 'v6-local', label: { group: 'tier', name: 'bronze' } });
    assert.deepEqual(await set({ searchText: 'bronze' }), ['v6-local']);
    await t.ok('alterLabel', { group: 'tier', name: 'bronze', newName: 'copper' });
    assert.deepEqual(await set({ searchText: 'bronze' }), []);
    assert.deepEqual(await set({ searchText: 'copper' }), ['v6-local']);
    await t.ok('alterMqSession', { clientName: 'v6-local', label: null });
    assert.deepEqual(await set({ searchText: 'copper' }), []);
    await t.ok('alterMqSession', { clientName: 'v6-local', label: { group: 'tier', name: 'copper' } });
    await t.ok('deleteLabel', { group: 'tier', name: 'copper' });
    assert.deepEqual(await set({ searchText: 'copper' }), []);

    // A reconnect with another user name from another address.
    const c = fleet[3];
    const client = await t.connect(c.name, { ...c.opts, username: 'gw-renamed' }, '127.0.3.9');
    await waitFor(async () => (await t.describe(c.name)).username === 'gw-renamed', 'new user name recorded');
    assert.deepEqual(await set({ searchText: 'renamed' }), ['gateway-07']);
    assert.deepEqual(await set({ searchText: '127.0.3.9' }), ['gateway-07']);
    assert.deepEqual(await set({ searchText: '127.0.2.200' }), []);
    await client.endAsync();
    await waitDisconnected(t, c.name);

    await t.ok('deleteMqSession', { clientName: c.name, permanentlyDeleteSession: true });
    assert.deepEqual(await set({ searchText: 'gateway' }), []);
    const orphans = t.broker.store as unknown as { db: import('better-sqlite3').Database };
    assert.equal((orphans.db.prepare('SELECT count(*) FROM sessions_search WHERE rowid NOT IN (SELECT id FROM sessions)').pluck().get()), 0);
  });
});
