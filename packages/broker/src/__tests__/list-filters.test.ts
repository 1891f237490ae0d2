/**
 * listMqSessions (seed 000, DESIGN §3 "listMqSessions (decisions)") over a realistic fleet: real
 * mqtt.js clients from several source addresses, connected and disconnected, MQ API sessions (one
 * never used, one in use), one hidden, one banned, one inactive, labels and health thresholds.
 * Every filter and sort, the paging extension, and filters combined with AND.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import type { SessionListRow } from '@mqdash/contracts';
import { permanent4, permanent5, sleep, startTestBroker, waitDisconnected, waitFor, type TestBroker } from './api-helpers.ts';

type Params = Record<string, unknown>;

/**
 * The fleet, in connect order. `ip` is the client's source address on the loopback network, so
 * ipAddress sorting has something to sort.
 */
const mqttFleet = [
  { name: 'sensor-03', ip: '127.0.0.3', opts: permanent4 },
  { name: 'sensor-01', ip: '127.0.0.2', opts: permanent5 },
  { name: '🚀-launcher', ip: '127.0.0.20', opts: permanent5 },
  { name: 'sensor-02', ip: '127.0.0.10', opts: permanent5 },
  { name: 'sensör-ü1', ip: '127.0.0.4', opts: permanent5 },
  { name: '温度计-1', ip: '127.0.0.1', opts: permanent5 },
  { name: 'gateway-old', ip: '127.0.0.9', opts: permanent5 },
  { name: 'intruder', ip: '127.0.0.100', opts: permanent5 },
  { name: 'dash-admin', ip: '127.0.0.1', opts: permanent5 },
] as const;
/** Disconnected again, in this order (so lastDisconnect differs from lastConnect order). */
const disconnectOrder = ['intruder', 'sensör-ü1', 'gateway-old', '温度计-1'];

/** Every session but the hidden one, in clientName (code point) order. */
const visible = [
  'api-erp', 'api-mes', 'gateway-old', 'intruder', 'sensor-01', 'sensor-02', 'sensor-03', 'sensör-ü1', '温度计-1', '🚀-launcher',
];

describe('listMqSessions filters and sorts', () => {
  let t: TestBroker;
  const clients = new Map<string, MqttClient>();

  const list = async (params: Params): Promise<{ data: SessionListRow[]; totalCount: number }> => t.ok('listMqSessions', params);
  /** clientNames in the order returned. */
  const names = async (params: Params = {}) => (await list(params)).data.map((r) => r.clientName);
  /** clientNames as a sorted set (for filters, where order is not the point). */
  const nameSet = async (params: Params = {}) => (await names(params)).sort();
  const sorted = (xs: string[]) => [...xs].sort();

  before(async () => {
    t = await startTestBroker();
    for (const c of mqttFleet) {
      const client = await t.connect(c.name, { ...c.opts }, c.ip);
      await client.subscribeAsync(`fleet/${c.name}/cmd`, { qos: 1 });
      clients.set(c.name, client);
      // Distinct connect times, so lastConnect has one right order.
      await sleep(15);
    }
    for (const name of mqttFleet.map((c) => c.name))
      await waitFor(async () => (await t.describe(name)).subscriberCount === 1, `${name} subscribed`);
    for (const name of disconnectOrder) {
      await clients.get(name)!.endAsync();
      await waitDisconnected(t, name);
      await sleep(15);
    }

    await t.ok('alterMqSession', { clientName: 'dash-admin', sessionStatus: 'hidden' });
    await t.ok('alterMqSession', { clientName: 'intruder', sessionStatus: 'banned' });
    // deleteMqSession without permanentlyDeleteSession marks the session inactive (DESIGN §3).
    await t.ok('deleteMqSession', { clientName: 'gateway-old' });

    const hallA = { group: 'site/', name: 'hall A' };
    await t.ok('alterMqSession', { clientName: 'sensor-01', label: hallA, maxHealthySubscribedTopicFiltersCount: 5 });
    await t.ok('alterMqSession', { clientName: 'sensor-02', label: hallA, minHealthySubscribedTopicFiltersCount: 3 });
    await t.ok('alterMqSession', { clientName: 'sensör-ü1', label: { group: 'site/', name: 'hall B' } });
    await t.ok('alterMqSession', { clientName: '温度计-1', maxHealthySendRatePerMinute: 100 });

    await t.ok('createMqApiSession', { clientName: 'api-erp' });
    await t.ok('createMqApiSession', { clientName: 'api-mes', keepAliveSeconds: 600 });
    // No action of this build uses an MQ API session as its client yet (publishMessagesToMq,
    // getMessagesFromMqApiSession); the registry's own entry point for that use stands in.
    t.broker.registry.touchApiSession(t.broker.store.getSession('api-mes')!);
    // Health is evaluated on the registry's one-second tick.
    await waitFor(async () => (await names({ healthFilter: ['healthy'], sessionTypeFilter: ['mqApi'] })).length === 1, 'api-mes healthy');
  });
  after(() => t.close());

  test('the fleet as the rows describe it', async () => {
    const { data, totalCount } = await list({});
    assert.equal(totalCount, visible.length);
    const row = (n: string) => data.find((r) => r.clientName === n)!;
    assert.deepEqual(
      data.map((r) => [r.clientName, r.sessionType, r.connectionStatus, r.sessionStatus, r.sessionHealth]),
      [
        ['api-erp', 'mqApi', 'disconnected', 'normal', 'offline'],
        ['api-mes', 'mqApi', 'connectedTemporarily', 'normal', 'healthy'],
        ['gateway-old', 'mqtt', 'disconnected', 'inactive', 'offline'],
        ['intruder', 'mqtt', 'disconnected', 'banned', 'offline'],
        ['sensor-01', 'mqtt', 'connected', 'normal', 'healthy'],
        ['sensor-02', 'mqtt', 'connected', 'normal', 'unhealthy'],
        ['sensor-03', 'mqtt', 'connected', 'normal', 'healthy'],
        ['sensör-ü1', 'mqtt', 'disconnected', 'normal', 'offline'],
        ['温度计-1', 'mqtt', 'disconnected', 'normal', 'offline'],
        ['🚀-launcher', 'mqtt', 'connected', 'normal', 'healthy'],
      ],
    );
    assert.equal(row('sensor-03').mqttProtocol, '3.1.1');
    assert.equal(row('sensor-01').mqttProtocol, '5.0');
    for (const c of mqttFleet.filter((x) => x.name !== 'dash-admin')) assert.equal(row(c.name).ipaddress, c.ip, `${c.name} ipaddress`);
    assert.match(row('sensor-02').unhealthyReason ?? '', /minHealthySubscribedTopicFiltersCount/);
    assert.deepEqual(row('sensor-01').label && { group: row('sensor-01').label!.group, name: row('sensor-01').label!.name }, { group: 'site/', name: 'hall A' });
    assert.equal(row('api-erp').ipaddress, undefined);
  });

  describe('partialClientName: a "begins with" match', () => {
    test('ASCII prefixes', async () => {
      assert.deepEqual(await nameSet({ partialClientName: 'sensor-' }), ['sensor-01', 'sensor-02', 'sensor-03']);
      assert.deepEqual(await nameSet({ partialClientName: 'sensor-0' }), ['sensor-01', 'sensor-02', 'sensor-03']);
      assert.deepEqual(await nameSet({ partialClientName: 'sensor-02' }), ['sensor-02'], 'a whole name is its own prefix');
      assert.deepEqual(await nameSet({ partialClientName: 'sens' }), ['sensor-01', 'sensor-02', 'sensor-03', 'sensör-ü1']);
      assert.deepEqual(await nameSet({ partialClientName: 'api-' }), ['api-erp', 'api-mes'], 'MQ API sessions too');
      assert.deepEqual(await nameSet({ partialClientName: 'ensor' }), [], 'not a substring match');
      assert.deepEqual(await nameSet({ partialClientName: 'Sensor' }), [], 'client names are case-sensitive');
      assert.deepEqual(await nameSet({ partialClientName: 'sensor-%' }), [], 'no LIKE wildcards');
      assert.deepEqual(await nameSet({ partialClientName: 'sensor-_1' }), []);
    });

    test('unicode prefixes (Latin-1, CJK, astral plane)', async () => {
      assert.deepEqual(await nameSet({ partialClientName: 'sensö' }), ['sensör-ü1']);
      assert.deepEqual(await nameSet({ partialClientName: 'sensör-ü' }), ['sensör-ü1']);
      assert.deepEqual(await nameSet({ partialClientName: '温度' }), ['温度计-1']);
      assert.deepEqual(await nameSet({ partialClientName: '温' }), ['温度计-1']);
      assert.deepEqual(await nameSet({ partialClientName: '🚀' }), ['🚀-launcher']);
      assert.deepEqual(await nameSet({ partialClientName: '🚀-l' }), ['🚀-launcher']);
      assert.deepEqual(await nameSet({ partialClientName: '🚁' }), [], 'a neighbouring code point matches nothing');
    });

    test('a prefix that matches nothing gives an empty array and totalCount 0', async () => {
      const r = await list({ partialClientName: 'zzz-no-such-client' });
      assert.deepEqual(r, { data: [], totalCount: 0 });
    });

    test('empty or null prefix matches every session; hidden ones still need the status filter', async () => {
      assert.deepEqual(await names({ partialClientName: '' }), visible);
      assert.deepEqual(await names({ partialClientName: null }), visible);
      assert.deepEqual(await names({ partialClientName: 'dash' }), []);
      assert.deepEqual(await names({ partialClientName: 'dash', sessionStatusFilter: ['hidden'] }), ['dash-admin']);
    });
  });

  describe('connectionStatusFilter', () => {
    test('each status', async () => {
      assert.deepEqual(await nameSet({ connectionStatusFilter: ['connected'] }), ['sensor-01', 'sensor-02', 'sensor-03', '🚀-launcher']);
      assert.deepEqual(await nameSet({ connectionStatusFilter: ['connectedTemporarily'] }), ['api-mes']);
      assert.deepEqual(await nameSet({ connectionStatusFilter: ['unknown'] }), ['api-erp'], 'unknown: an MQ API session never used');
      assert.deepEqual(
        await nameSet({ connectionStatusFilter: ['disconnected'] }),
        sorted(['api-erp', 'gateway-old', 'intruder', 'sensör-ü1', '温度计-1']),
        'disconnected includes the never-used MQ API session',
      );
    });

    test('values in one filter are ORed; empty array and null match all', async () => {
      assert.deepEqual(
        await nameSet({ connectionStatusFilter: ['connected', 'connectedTemporarily'] }),
        sorted(['api-mes', 'sensor-01', 'sensor-02', 'sensor-03', '🚀-launcher']),
      );
      assert.deepEqual(await nameSet({ connectionStatusFilter: ['unknown', 'connectedTemporarily'] }), ['api-erp', 'api-mes']);
      assert.deepEqual(await names({ connectionStatusFilter: ['disconnected', 'connected', 'connectedTemporarily'] }), visible);
      assert.deepEqual(await names({ connectionStatusFilter: [] }), visible);
      assert.deepEqual(await names({ connectionStatusFilter: null }), visible);
      assert.equal((await list({ connectionStatusFilter: ['disconnected', 'unknown'] })).totalCount, 5, 'unknown given twice counts once');
    });
  });

  describe('sessionStatusFilter', () => {
    test('empty or missing: every status but hidden', async () => {
      assert.deepEqual(await names({}), visible);
      assert.deepEqual(await names({ sessionStatusFilter: [] }), visible);
      assert.ok(!(await names({ connectionStatusFilter: ['connected'] })).includes('dash-admin'), 'hidden even though connected');
    });

    test('each status, and the seed\'s response spellings hide/ban as aliases', async () => {
      assert.deepEqual(await names({ sessionStatusFilter: ['hidden'] }), ['dash-admin']);
      assert.deepEqual(await names({ sessionStatusFilter: ['hide'] }), ['dash-admin']);
      assert.deepEqual(await names({ sessionStatusFilter: ['banned'] }), ['intruder']);
      assert.deepEqual(await names({ sessionStatusFilter: ['ban'] }), ['intruder']);
      assert.deepEqual(await names({ sessionStatusFilter: ['inactive'] }), ['gateway-old']);
      assert.deepEqual(
        await names({ sessionStatusFilter: ['normal'] }),
        visible.filter((n) => !['gateway-old', 'intruder'].includes(n)),
      );
      const hiddenRow = (await list({ sessionStatusFilter: ['hidden'] })).data[0]!;
      assert.equal(hiddenRow.sessionStatus, 'hidden', 'responses use hidden, not hide');
      assert.equal(hiddenRow.connectionStatus, 'connected', 'a hidden session keeps working');
    });

    test('several statuses are ORed; naming hidden adds it', async () => {
      assert.deepEqual(await names({ sessionStatusFilter: ['banned', 'inactive'] }), ['gateway-old', 'intruder']);
      assert.deepEqual(await names({ sessionStatusFilter: ['hidden', 'banned'] }), ['dash-admin', 'intruder']);
      const all = await list({ sessionStatusFilter: ['normal', 'hidden', 'banned', 'inactive'] });
      assert.equal(all.totalCount, visible.length + 1);
      assert.deepEqual(all.data.map((r) => r.clientName), sorted([...visible, 'dash-admin']));
    });
  });

  test('sessionTypeFilter', async () => {
    assert.deepEqual(await names({ sessionTypeFilter: ['mqApi'] }), ['api-erp', 'api-mes']);
    assert.deepEqual(await names({ sessionTypeFilter: ['mqtt'] }), visible.filter((n) => !n.startsWith('api-')));
    assert.deepEqual(await names({ sessionTypeFilter: ['mqtt', 'mqApi'] }), visible);
    assert.deepEqual(await names({ sessionTypeFilter: [] }), visible);
  });

  test('healthFilter', async () => {
    assert.deepEqual(await nameSet({ healthFilter: ['healthy'] }), sorted(['api-mes', 'sensor-01', 'sensor-03', '🚀-launcher']));
    assert.deepEqual(await nameSet({ healthFilter: ['unhealthy'] }), ['sensor-02']);
    assert.deepEqual(await nameSet({ healthFilter: ['offline'] }), sorted(['api-erp', 'gateway-old', 'intruder', 'sensör-ü1', '温度计-1']));
    assert.deepEqual(await nameSet({ healthFilter: ['healthy', 'unhealthy'] }), sorted(['api-mes', 'sensor-01', 'sensor-02', 'sensor-03', '🚀-launcher']));
    assert.deepEqual(await names({ healthFilter: ['healthy', 'unhealthy', 'offline'] }), visible);
  });

  test('unsetHealthMeasures false leaves out sessions with no threshold set', async () => {
    assert.deepEqual(await names({ unsetHealthMeasures: false }), ['sensor-01', 'sensor-02', '温度计-1']);
    assert.deepEqual(await names({ unsetHealthMeasures: true }), visible, 'true (the default) includes them');
    // A threshold that is set again to 0 means "not set".
    await t.ok('alterMqSession', { clientName: '温度计-1', maxHealthySendRatePerMinute: 0 });
    assert.deepEqual(await names({ unsetHealthMeasures: false }), ['sensor-01', 'sensor-02']);
    await t.ok('alterMqSession', { clientName: '温度计-1', maxHealthySendRatePerMinute: 100 });
    assert.deepEqual(await names({ unsetHealthMeasures: false }), ['sensor-01', 'sensor-02', '温度计-1']);
  });

  describe('label and labelId', () => {
    test('label {group, name}', async () => {
      assert.deepEqual(await names({ label: { group: 'site/', name: 'hall A' } }), ['sensor-01', 'sensor-02']);
      assert.deepEqual(await names({ label: { group: 'site/', name: 'hall B' } }), ['sensör-ü1']);
      assert.deepEqual(await names({ label: { group: 'site/', name: 'hall C' } }), [], 'a label that does not exist matches nothing');
      assert.deepEqual(await names({ label: { name: 'hall A' } }), [], 'group defaults to "", a different label');
    });

    test('labelId', async () => {
      const hallA = (await t.describe('sensor-01')).label!;
      const hallB = (await t.describe('sensör-ü1')).label!;
      assert.notEqual(hallA.id, hallB.id);
      assert.equal((await t.describe('sensor-02')).label!.id, hallA.id, 'one label shared by two sessions');
      assert.deepEqual(await names({ labelId: hallA.id }), ['sensor-01', 'sensor-02']);
      assert.deepEqual(await names({ labelId: hallB.id }), ['sensör-ü1']);
    });
  });

  describe('sortAscending / sortDescending', () => {
    const connectOrder = mqttFleet.map((c) => c.name).filter((n) => n !== 'dash-admin');

    test('clientName (the default: ascending), code point order', async () => {
      assert.deepEqual(await names({ sortAscending: 'clientName' }), visible);
      assert.deepEqual(await names({ sortDescending: 'clientName' }), [...visible].reverse());
      assert.deepEqual(await names({}), visible);
    });

    test('lastConnect, never-connected sessions last either way', async () => {
      // api-mes was used (connected temporarily) after every MQTT client connected; api-erp never.
      const asc = [...connectOrder, 'api-mes'];
      assert.deepEqual(await names({ sortAscending: 'lastConnect' }), [...asc, 'api-erp']);
      assert.deepEqual(await names({ sortDescending: 'lastConnect' }), [...asc].reverse().concat('api-erp'));
    });

    test('lastDisconnect, never-disconnected sessions last either way', async () => {
      const never = sorted(visible.filter((n) => !disconnectOrder.includes(n)));
      const asc = await names({ sortAscending: 'lastDisconnect' });
      assert.deepEqual(asc.slice(0, disconnectOrder.length), disconnectOrder);
      assert.deepEqual(sorted(asc.slice(disconnectOrder.length)), never);
      const desc = await names({ sortDescending: 'lastDisconnect' });
      assert.deepEqual(desc.slice(0, disconnectOrder.length), [...disconnectOrder].reverse());
      assert.deepEqual(sorted(desc.slice(disconnectOrder.length)), never);
    });

    test('ipAddress in address order (127.0.0.2 before 127.0.0.10), sessions without one last', async () => {
      const byIp = mqttFleet
        .filter((c) => c.name !== 'dash-admin')
        .map((c) => ({ name: c.name, key: c.ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0) }))
        .sort((a, b) => a.key - b.key)
        .map((c) => c.name);
      assert.deepEqual(byIp, ['温度计-1', 'sensor-01', 'sensor-03', 'sensör-ü1', 'gateway-old', 'sensor-02', '🚀-launcher', 'intruder']);
      const asc = await names({ sortAscending: 'ipAddress' });
      assert.deepEqual(asc, [...byIp, 'api-erp', 'api-mes']);
      const desc = await names({ sortDescending: 'ipAddress' });
      assert.deepEqual(desc.slice(0, byIp.length), [...byIp].reverse());
      assert.deepEqual(sorted(desc.slice(byIp.length)), ['api-erp', 'api-mes']);
    });
  });

  describe('paging extension: skipRecords / maxRecords with totalCount', () => {
    test('pages through the sorted list; totalCount counts every match', async () => {
      const page = (skipRecords: number, maxRecords: number) => list({ sortAscending: 'clientName', skipRecords, maxRecords });
      const p1 = await page(0, 4);
      const p2 = await page(4, 4);
      const p3 = await page(8, 4);
      assert.deepEqual([p1.totalCount, p2.totalCount, p3.totalCount], [10, 10, 10]);
      assert.deepEqual([p1.data.length, p2.data.length, p3.data.length], [4, 4, 2]);
      assert.deepEqual([...p1.data, ...p2.data, ...p3.data].map((r) => r.clientName), visible);
    });

    test('edges: past the end, maxRecords 0, maxRecords -1 (no limit), defaults', async () => {
      assert.deepEqual(await list({ skipRecords: 10 }), { data: [], totalCount: 10 });
      assert.deepEqual(await list({ skipRecords: 1000, maxRecords: 5 }), { data: [], totalCount: 10 });
      assert.deepEqual(await list({ maxRecords: 0 }), { data: [], totalCount: 10 });
      assert.deepEqual((await list({ maxRecords: -1 })).data.map((r) => r.clientName), visible);
      assert.deepEqual((await list({ skipRecords: 9, maxRecords: -1 })).data.map((r) => r.clientName), ['🚀-launcher']);
    });

    test('paging applies after filtering and sorting', async () => {
      const r = await list({ sessionTypeFilter: ['mqtt'], sortDescending: 'lastConnect', skipRecords: 1, maxRecords: 3 });
      assert.equal(r.totalCount, 8);
      assert.deepEqual(r.data.map((x) => x.clientName), ['gateway-old', '温度计-1', 'sensör-ü1']);
    });
  });

  describe('filters combine with AND', () => {
    test('prefix AND health', async () => {
      assert.deepEqual(await names({ partialClientName: 'sensor-', healthFilter: ['healthy'] }), ['sensor-01', 'sensor-03']);
    });

    test('type AND connection status AND session status', async () => {
      assert.deepEqual(
        await names({ sessionTypeFilter: ['mqtt'], connectionStatusFilter: ['disconnected'], sessionStatusFilter: ['normal'] }),
        ['sensör-ü1', '温度计-1'],
      );
      assert.deepEqual(await names({ sessionTypeFilter: ['mqApi'], connectionStatusFilter: ['connected'] }), []);
    });

    test('label AND health; labelId AND connection status', async () => {
      const hallA = (await t.describe('sensor-01')).label!.id;
      assert.deepEqual(await names({ label: { group: 'site/', name: 'hall A' }, healthFilter: ['unhealthy'] }), ['sensor-02']);
      assert.deepEqual(await names({ labelId: hallA, connectionStatusFilter: ['disconnected'] }), []);
    });

    test('unsetHealthMeasures AND connection status, sorted descending', async () => {
      assert.deepEqual(
        await names({ unsetHealthMeasures: false, connectionStatusFilter: ['connected'], sortDescending: 'clientName' }),
        ['sensor-02', 'sensor-01'],
      );
      assert.deepEqual(await names({ unsetHealthMeasures: false, healthFilter: ['offline'] }), ['温度计-1']);
    });

    test('status AND connection status reaches the hidden session only when hidden is named', async () => {
      assert.deepEqual(await names({ sessionStatusFilter: ['hidden', 'banned'], connectionStatusFilter: ['connected'] }), ['dash-admin']);
      assert.deepEqual(await names({ sessionStatusFilter: ['banned'], connectionStatusFilter: ['connected'] }), []);
    });

    test('every filter at once', async () => {
      const r = await list({
        partialClientName: 'sensor',
        connectionStatusFilter: ['connected'],
        sessionStatusFilter: ['normal'],
        sessionTypeFilter: ['mqtt'],
        healthFilter: ['healthy', 'unhealthy'],
        unsetHealthMeasures: false,
        label: { group: 'site/', name: 'hall A' },
        sortDescending: 'lastConnect',
        skipRecords: 0,
        maxRecords: 10,
      });
      assert.equal(r.totalCount, 2);
      assert.deepEqual(r.data.map((x) => x.clientName), ['sensor-02', 'sensor-01']);
    });
  });

  describe('the list follows the sessions', () => {
    test('a disconnect moves a session from connected to disconnected and offline', async () => {
      await clients.get('sensor-03')!.endAsync();
      await waitDisconnected(t, 'sensor-03');
      assert.ok(!(await names({ connectionStatusFilter: ['connected'] })).includes('sensor-03'));
      assert.ok((await names({ connectionStatusFilter: ['disconnected'], healthFilter: ['offline'] })).includes('sensor-03'));
      const last = await names({ sortDescending: 'lastDisconnect', maxRecords: 1 });
      assert.deepEqual(last, ['sensor-03']);
    });

    test('an inactive session is normal again when its client connects', async () => {
      await t.connect('gateway-old', { ...permanent5 }, '127.0.0.9');
      await waitFor(async () => (await t.describe('gateway-old')).connectionStatus === 'connected', 'gateway-old connected');
      assert.deepEqual(await names({ sessionStatusFilter: ['inactive'] }), []);
      assert.ok((await names({ sessionStatusFilter: ['normal'], connectionStatusFilter: ['connected'] })).includes('gateway-old'));
      assert.equal((await names({ sortDescending: 'lastConnect', maxRecords: 1 }))[0], 'gateway-old');
    });

    test('a banned client is refused and stays banned and disconnected', async () => {
      const err = await t.connectRefused('intruder', { ...permanent5 });
      assert.equal(err.code, 0x8a, 'MQTT 5 reason 0x8A Banned');
      assert.deepEqual(await names({ sessionStatusFilter: ['banned'], connectionStatusFilter: ['disconnected'] }), ['intruder']);
    });
  });
});
