/**
 * The ban list (issue 12) end to end: real mqtt.js clients (MQTT 3.1.1 and 5.0, TCP and
 * WebSocket) against a real broker on a real SQLite file, driven through the JSON actions.
 * Bans by client id, user name, address, range and pattern; expiry; a new ban disconnecting the
 * matching clients; refusals counted on the session; bans surviving a restart.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- results are read property by property */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '@mqdash/contracts';
import { disconnectReason, startBroker, waitFor, type TestBroker, type Transport } from './helpers.ts';

/** What a ban's refusal is for each protocol: 3.1.1 return code 5, MQTT 5 reason code 0x8A Banned. */
const BANNED = { 4: 5, 5: 0x8a } as const;
const versions = [4, 5] as const;

let tb: TestBroker;
let uniq = 0;
const id = (prefix: string) => `${prefix}-${++uniq}`;

before(async () => {
  tb = await startBroker();
});
after(() => tb.close());

async function refusedWith(code: number, opts: Parameters<TestBroker['connectRefused']>[0]) {
  const r = await tb.connectRefused(opts);
  assert.equal(r.code, code, `${opts?.clientId}: ${r.message}`);
}

describe('bans at CONNECT', () => {
  for (const v of versions) {
    const transport: Transport = v === 5 ? 'ws' : 'tcp';
    test(`MQTT ${v === 5 ? '5' : '3.1.1'} over ${transport}: a client id ban refuses that id only, with ${v === 5 ? '0x8A Banned' : 'return code 5'}`, async () => {
      const banned = id(`ban-id-v${v}`);
      await tb.ok('createBan', { banType: 'clientName', value: banned, reason: 'flooding' });
      await refusedWith(BANNED[v], { clientId: banned, protocolVersion: v, transport });
      const other = await tb.connect({ clientId: id('free'), protocolVersion: v, transport });
      other.end(true);
      await tb.ok('deleteBan', { banType: 'clientName', value: banned });
      const back = await tb.connect({ clientId: banned, protocolVersion: v, transport });
      back.end(true);
    });

    test(`MQTT ${v === 5 ? '5' : '3.1.1'}: a user name ban and a user name pattern refuse those names`, async () => {
      const name = id(`user-v${v}`);
      await tb.ok('createBan', { banType: 'username', value: name });
      await refusedWith(BANNED[v], { clientId: id('u'), username: name, protocolVersion: v });
      await tb.ok('createBan', { banType: 'usernamePattern', value: `^evil-v${v}-` });
      await refusedWith(BANNED[v], { clientId: id('u'), username: `evil-v${v}-123`, protocolVersion: v });
      const ok = await tb.connect({ clientId: id('u'), username: `good-v${v}-123`, protocolVersion: v });
      ok.end(true);
      await tb.ok('deleteBan', { banType: 'username', value: name });
      await tb.ok('deleteBan', { banType: 'usernamePattern', value: `^evil-v${v}-` });
    });
  }

  test('a client id pattern refuses matching ids and no other', async () => {
    await tb.ok('createBan', { banType: 'clientNamePattern', value: '^scanner-\\d+$' });
    await refusedWith(0x8a, { clientId: 'scanner-42' });
    const c = await tb.connect({ clientId: 'scanner-x' });
    c.end(true);
    await tb.ok('deleteBan', { banType: 'clientNamePattern', value: '^scanner-\\d+$' });
  });

  test('an address ban and a CIDR range ban refuse clients from there (the tests connect from 127.0.0.1)', async () => {
    for (const ban of [{ banType: 'ipAddress', value: '127.0.0.1' }, { banType: 'ipRange', value: '127.0.0.0/8' }, { banType: 'ipRange', value: '::ffff:127.0.0.0/104' }]) {
      const r = await tb.ok('createBan', ban);
      await refusedWith(0x8a, { clientId: id('ip') });
      await refusedWith(5, { clientId: id('ip'), protocolVersion: 4, transport: 'ws' });
      await tb.ok('deleteBan', { banType: ban.banType, value: r.value });
    }
    const far = await tb.ok('createBan', { banType: 'ipRange', value: '10.0.0.0/8' });
    assert.equal(far.value, '10.0.0.0/8');
    const c = await tb.connect({ clientId: id('ip') });
    c.end(true);
    await tb.ok('deleteBan', { banType: 'ipRange', value: '10.0.0.0/8' });
  });

  test('a ban with an expiry refuses until then and not after', async () => {
    const name = id('expiring');
    const expires = new Date(Date.now() + 1500).toISOString();
    const r = await tb.ok('createBan', { banType: 'clientName', value: name, expiresDateTime: expires });
    assert.equal(r.expiresDateTime, expires);
    await refusedWith(0x8a, { clientId: name });
    const c = await waitFor(async () => tb.connect({ clientId: name }).catch(() => null), 5000, 'the ban to expire');
    c.end(true);
  });

  test('a new ban disconnects the matching connected clients (MQTT 5: DISCONNECT 0x98, as 0x8A is for CONNACK only) and leaves the others', async () => {
    const user = id('fleet');
    const a = await tb.connect({ clientId: id('dev'), username: user });
    const b = await tb.connect({ clientId: id('dev'), username: user, protocolVersion: 4 });
    const other = await tb.connect({ clientId: id('dev'), username: id('other') });
    const reason = disconnectReason(a);
    const bClosed = new Promise<void>((r) => b.once('close', () => r()));
    const r = await tb.ok('createBan', { banType: 'username', value: user, reason: 'stolen credentials' });
    assert.equal(r.disconnectedClients, 2);
    assert.equal(await reason, 0x98);
    await bClosed;
    assert.equal(other.connected, true);
    other.end(true);
  });

  test('a refused CONNECT is recorded on the session that exists and counted in its detail', async () => {
    const name = id('known');
    const c = await tb.connect({ clientId: name, clean: false, properties: { sessionExpiryInterval: 3600 } });
    const gone = new Promise<void>((r) => c.once('close', () => r()));
    c.end();
    await gone;
    await tb.ok('createBan', { banType: 'clientName', value: name, reason: 'testing' });
    await refusedWith(0x8a, { clientId: name });
    await refusedWith(0x8a, { clientId: name });
    const d = await tb.describe(name);
    assert.equal(d.accessDenials.connect, 2);
    assert.match(d.lastFailedConnectReason, /banned \(clientName .*\): testing/);
  });
});

describe('the ban list actions', () => {
  test('listBans lists, filters and pages; values of address bans are canonical', async () => {
    const prefix = id('list');
    for (let i = 0; i < 5; i++) await tb.ok('createBan', { banType: 'clientName', value: `${prefix}-${i}` });
    const page = await tb.ok('listBans', { partialValue: prefix.toUpperCase(), skipRecords: 1, maxRecords: 2 });
    assert.equal(page.totalCount, 5);
    assert.deepEqual(page.data.map((b: any) => b.value), [`${prefix}-1`, `${prefix}-2`]);
    assert.equal(page.data[0].createdBy, 'admin');
    const v6 = await tb.ok('createBan', { banType: 'ipAddress', value: '2001:DB8::1' });
    assert.equal(v6.value, '2001:db8:0:0:0:0:0:1');
    const one = await tb.ok('listBans', { banType: 'ipAddress', value: '2001:db8::1' });
    assert.equal(one.totalCount, 1);
  });

  test('bad input names the property and the problem; duplicates and unknown bans are refused', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ banType: 'clientNamePattern', value: '(' }, ErrorCode.outOfLimits, 'params.value'],
      [{ banType: 'ipRange', value: '10.0.0.1' }, ErrorCode.outOfLimits, 'params.value'],
      [{ banType: 'ipAddress', value: '10.0.0.0/8' }, ErrorCode.outOfLimits, 'params.value'],
      [{ banType: 'ipAddress', value: 'example.com' }, ErrorCode.outOfLimits, 'params.value'],
      [{ banType: 'clientName', value: '' }, ErrorCode.outOfLimits, 'params.value'],
      [{ banType: 'nobody', value: 'x' }, ErrorCode.outOfLimits, 'params.banType'],
      [{ banType: 'clientName', value: 'x', expiresDateTime: '2001-01-01T00:00:00Z' }, ErrorCode.outOfLimits, 'params.expiresDateTime'],
      [{ banType: 'clientName', value: 'x', expiresDateTime: 'tomorrow' }, ErrorCode.outOfLimits, 'params.expiresDateTime'],
    ];
    for (const [params, code, property] of cases) {
      const r = await tb.act('createBan', params);
      assert.equal(r.errorCode, code, `${JSON.stringify(params)}: ${r.errorMessage}`);
      assert.equal(r.errorData?.property, property, r.errorMessage);
    }
    const name = id('dup');
    await tb.ok('createBan', { banType: 'clientName', value: name });
    assert.equal((await tb.act('createBan', { banType: 'clientName', value: name })).errorCode, ErrorCode.nameInUse);
    assert.equal((await tb.act('deleteBan', { banType: 'username', value: name })).errorCode, ErrorCode.unknownBan);
  });
});

test('bans are stored: they hold after a restart', async () => {
  const dataDir = tb.dataDir;
  await tb.ok('createBan', { banType: 'clientName', value: 'kept-across-restart' });
  await tb.stop();
  tb = await startBroker({ dataDir });
  await refusedWith(0x8a, { clientId: 'kept-across-restart' });
  assert.equal((await tb.ok('listBans', { banType: 'clientName', value: 'kept-across-restart' })).totalCount, 1);
});
