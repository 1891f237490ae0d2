/**
 * Issue 12, ban list: the ban-impact preview (previewBan) and the session-level ban as the ban
 * list's client-id entry (one mechanism). Real mqtt.js clients against a real broker on a real
 * SQLite file, driven through the JSON actions.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BAN_PREVIEW_SAMPLE, ErrorCode } from '@mqdash/contracts';
import { closed, startBroker, waitFor, type TestBroker, type TestClient } from './helpers.ts';

let tb: TestBroker;
let uniq = 0;
const id = (prefix: string) => `${prefix}-${++uniq}`;

before(async () => {
  tb = await startBroker();
});
after(() => tb.close());

/** A client that connected once and left its session stored (not connected now). */
async function storedSession(clientId: string, username?: string): Promise<void> {
  const c = await tb.connect({ clientId, username, clean: false, protocolVersion: 4 });
  c.end();
  await closed(c);
  await waitFor(async () => (await tb.describe(clientId)).connectionStatus === 'disconnected', 3000, `${clientId} disconnected`);
}

describe('previewBan', () => {
  test('counts the connected clients and stored sessions a user name ban would hit, changes nothing, and matches what createBan then does', async () => {
    const user = id('fleet');
    const live: TestClient[] = [];
    for (let i = 0; i < 3; i++) live.push(await tb.connect({ clientId: `${user}-live-${i}`, username: user }));
    await storedSession(`${user}-gone`, user);
    const other = await tb.connect({ clientId: id('bystander'), username: id('other') });

    const p = await tb.ok('previewBan', { banType: 'username', value: user, reason: 'preview' });
    assert.equal(p.connectedClients, 3);
    assert.equal(p.storedSessions, 4);
    assert.equal(p.exists, false);
    assert.deepEqual(p.sampleClientNames, [`${user}-live-0`, `${user}-live-1`, `${user}-live-2`, `${user}-gone`], 'connected first, then stored');
    // nothing was stored or disconnected
    assert.equal((await tb.ok('listBans', { banType: 'username', value: user })).totalCount, 0);
    assert.ok(live.every((c) => c.connected) && other.connected);

    const made = await tb.ok('createBan', { banType: 'username', value: user });
    assert.equal(made.disconnectedClients, p.connectedClients);
    assert.equal((await tb.ok('previewBan', { banType: 'username', value: user })).exists, true);
    await waitFor(() => live.every((c) => !c.connected), 3000, 'the previewed clients disconnected');
    assert.ok(other.connected, 'the bystander stays');
    other.end(true);
    await tb.ok('deleteBan', { banType: 'username', value: user });
  });

  test(`a pattern names at most ${BAN_PREVIEW_SAMPLE} client ids; an address range counts by the last address`, async () => {
    const prefix = id('swarm');
    const clients: TestClient[] = [];
    for (let i = 0; i < 12; i++) clients.push(await tb.connect({ clientId: `${prefix}-${String(i).padStart(2, '0')}` }));
    const p = await tb.ok('previewBan', { banType: 'clientNamePattern', value: `^${prefix}-\\d+$` });
    assert.equal(p.connectedClients, 12);
    assert.equal(p.storedSessions, 12);
    assert.equal(p.sampleClientNames.length, BAN_PREVIEW_SAMPLE);
    assert.ok(p.sampleClientNames.every((n: string) => n.startsWith(`${prefix}-`)), p.sampleClientNames.join());
    // every test client connects from 127.0.0.1: the loopback range holds at least these 12
    const range = await tb.ok('previewBan', { banType: 'ipRange', value: '::ffff:127.0.0.0/104' });
    assert.equal(range.value, '127.0.0.0/8', 'the value as the ban would store it');
    assert.ok(range.connectedClients >= 12 && range.storedSessions >= 12, JSON.stringify(range));
    assert.deepEqual(await tb.ok('previewBan', { banType: 'ipRange', value: '10.0.0.0/8' }), {
      banType: 'ipRange', value: '10.0.0.0/8', connectedClients: 0, storedSessions: 0, sampleClientNames: [], exists: false,
    });
    for (const c of clients) c.end(true);
  });

  test('bad input names the property and the problem, as for createBan', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ banType: 'clientNamePattern', value: '(' }, ErrorCode.outOfLimits, 'params.value'],
      [{ banType: 'ipAddress', value: 'example.com' }, ErrorCode.outOfLimits, 'params.value'],
      [{ banType: 'nobody', value: 'x' }, ErrorCode.outOfLimits, 'params.banType'],
      [{ banType: 'clientName', value: 'x', expiresDateTime: '2001-01-01T00:00:00Z' }, ErrorCode.outOfLimits, 'params.expiresDateTime'],
    ];
    for (const [params, code, property] of cases) {
      const r = await tb.act('previewBan', params);
      assert.equal(r.errorCode, code, `${JSON.stringify(params)}: ${r.errorMessage}`);
      assert.equal(r.errorData?.property, property, r.errorMessage);
      assert.match(r.errorMessage ?? '', new RegExp(property.replace('.', '\\.')));
    }
  });
});

describe('a session ban is the ban list entry of its client id', () => {
  const entry = async (clientName: string) => (await tb.ok('listBans', { banType: 'clientName', value: clientName })).data[0];

  test('the dashboard\'s Ban (alterMqSession banned) appears in the ban list; removing the entry unbans the session', async () => {
    const name = id('sess-ban');
    await storedSession(name);
    await tb.ok('alterMqSession', { clientName: name, sessionStatus: 'banned' });
    const e = await entry(name);
    assert.equal(e?.reason, 'session banned');
    assert.equal(e?.createdBy, 'admin');
    const refused = await tb.connectRefused({ clientId: name });
    assert.equal(refused.code, 0x8a);
    assert.equal((await tb.describe(name)).lastFailedConnectReason, 'session is banned');
    const preview = await tb.ok('previewBan', { banType: 'clientName', value: name });
    assert.deepEqual([preview.exists, preview.storedSessions, preview.connectedClients], [true, 1, 0]);

    await tb.ok('deleteBan', { banType: 'clientName', value: name });
    assert.equal((await tb.describe(name)).sessionStatus, 'normal');
    const back = await tb.connect({ clientId: name });
    back.end(true);
  });

  test('a client id ban made in the list bans the session; unbanning the session removes the entry', async () => {
    const name = id('list-ban');
    await storedSession(name);
    await tb.ok('createBan', { banType: 'clientName', value: name, reason: 'from the list' });
    assert.equal((await tb.describe(name)).sessionStatus, 'banned');
    await tb.ok('alterMqSession', { clientName: name, sessionStatus: 'normal' });
    assert.equal(await entry(name), undefined);
    const back = await tb.connect({ clientId: name });
    back.end(true);
  });

  test('marking a banned session inactive lifts its ban as before', async () => {
    const name = id('inactive-ban');
    await storedSession(name);
    await tb.ok('alterMqSession', { clientName: name, sessionStatus: 'banned' });
    await tb.ok('deleteMqSession', { clientName: name, permanentlyDeleteSession: false });
    assert.equal(await entry(name), undefined);
    const back = await tb.connect({ clientId: name });
    back.end(true);
  });

  test('a client id ban that expires lets the session back in, and the session is normal again', async () => {
    const name = id('expiring');
    await storedSession(name);
    await tb.ok('createBan', { banType: 'clientName', value: name, expiresDateTime: new Date(Date.now() + 1500).toISOString() });
    assert.equal((await tb.describe(name)).sessionStatus, 'banned');
    assert.equal((await tb.connectRefused({ clientId: name })).code, 0x8a);
    const back = await waitFor(async () => {
      try {
        return await tb.connect({ clientId: name, reconnectPeriod: 0 });
      } catch {
        return null;
      }
    }, 5000, 'the expired ban to let the client in', 200);
    assert.equal((await tb.describe(name)).sessionStatus, 'normal');
    back.end(true);
  });

  test('sessions banned before the upgrade get their ban list entry', async () => {
    const name = id('old-ban');
    await storedSession(name);
    await tb.stop();
    const db = new Database(path.join(tb.dataDir, 'mqdash.db'));
    db.prepare("UPDATE sessions SET session_status = 'banned' WHERE client_name = ?").run(name);
    db.prepare("DELETE FROM schema_migrations WHERE name = '2026-12-03-session-bans'").run();
    db.close();
    tb = await startBroker({ dataDir: tb.dataDir });
    assert.equal((await entry(name))?.reason, 'session banned');
    assert.equal((await tb.connectRefused({ clientId: name })).code, 0x8a);
  });
});
