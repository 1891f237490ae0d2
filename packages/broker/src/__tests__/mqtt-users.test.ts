/**
 * MQTT client accounts and anonymous access (issue 6) end to end: real mqtt.js clients (MQTT 3.1.1
 * and 5.0, TCP and WebSocket) against a real broker on a real SQLite file, driven through the
 * JSON actions. Every action result and every log line is checked for the passwords used.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- results are read property by property */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type net from 'node:net';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { ErrorCode, type ResponseEnvelope } from '@mqdash/contracts';
import { createBroker } from '../index.ts';
import { closed, disconnectReason, roundTrip, sleep, startBroker, tempDir, waitFor, type TestBroker, type Transport } from './helpers.ts';

const versions = [4, 5] as const;
const transports: Transport[] = ['tcp', 'ws'];
/** What a refusal's code is for each protocol: 3.1.1 return code, MQTT 5 reason code. */
const BAD_CREDENTIALS = { 4: 4, 5: 0x86 } as const;
const NOT_AUTHORIZED = { 4: 5, 5: 0x87 } as const;

/** Every password any test sets or tries: none may appear in any action result. */
const passwords = new Set<string>();
const pw = (p: string) => {
  passwords.add(p);
  return p;
};
/** Every action response of the file, checked at the end. */
const responses: Array<{ action: string; text: string }> = [];

let tb: TestBroker;
let uniq = 0;
const id = (prefix: string) => `${prefix}-${++uniq}`;

/** A JSON action as the admin, its envelope kept for the password check. */
async function act(action: string, params: Record<string, unknown> = {}): Promise<ResponseEnvelope<any>> {
  const r = await tb.act(action, params);
  responses.push({ action, text: JSON.stringify(r) });
  return r;
}
async function ok(action: string, params: Record<string, unknown> = {}): Promise<any> {
  const r = await act(action, params);
  assert.equal(r.errorCode, 0, `${action} failed: ${r.errorCode} ${r.errorMessage}`);
  return r.result;
}
/** Runs an action expected to fail with `code` naming `property`. */
async function refused(action: string, params: Record<string, unknown>, code: number, property: string): Promise<ResponseEnvelope> {
  const r = await act(action, params);
  assert.equal(r.errorCode, code, `${action} ${JSON.stringify(params)}: expected ${code}, got ${r.errorCode} ${r.errorMessage}`);
  assert.equal(r.errorData?.property, property, `${action}: ${r.errorMessage}`);
  assert.ok(r.errorMessage.startsWith(`${property}:`), `the message names the property: ${r.errorMessage}`);
  return r;
}

const settings = () => ok('describeMqttAuthSettings');
const users = async () => (await ok('listMqttUsers')).data as Array<Record<string, any>>;
/** The accounts as stored (without the live count of connected clients). */
const stored = async () => (await users()).map(({ connectedClients: _, ...u }) => u);
const setAnonymous = (allowAnonymous: boolean) => ok('alterMqttAuthSettings', { allowAnonymous });
/** MQTT 5 options of a permanent session, kept after a disconnect so its refusals can be read. */
const permanent = { protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: 0xffffffff } };

before(async () => {
  tb = await startBroker();
});
after(async () => {
  await tb?.close();
});

describe('before any account exists', () => {
  test('anonymous clients and clients with any user name get in, as before; user names are not checked yet', async () => {
    const s = await settings();
    assert.deepEqual(s, {
      allowAnonymous: true, allowAnonymousSource: 'environment', allowAnonymousDefault: true, usernamesChecked: false,
      accounts: 0, enabledAccounts: 0, connectedAnonymousClients: 0, clientIdBinding: 'none',
    });
    const anon = await tb.connect({ clientId: id('legacy-anon') });
    const named = await tb.connect({ clientId: id('legacy-named'), protocolVersion: 4, username: 'any-name', password: pw('whatever-it-is') });
    await roundTrip(named);
    assert.equal((await tb.describe(named.options.clientId!)).username, 'any-name');
    assert.equal((await settings()).connectedAnonymousClients, 2, 'unchecked user names count as anonymous');
    anon.end(true);
    named.end(true);
  });
});

describe('accounts', () => {
  const PASSWORD = pw('Sensor-Password-1');
  before(async () => {
    const created = await ok('createMqttUser', { username: 'sensor', password: PASSWORD, description: 'plant sensors' });
    assert.equal(created.username, 'sensor');
    assert.equal(created.enabled, true);
    assert.equal(created.description, 'plant sensors');
    assert.equal(created.createdBy, 'admin');
    assert.equal(created.connectedClients, 0);
    assert.ok(!('password' in created) && !('passwordHash' in created));
    const s = await settings();
    assert.equal(s.usernamesChecked, true, 'the first account turns user-name checks on');
    assert.equal(s.accounts, 1);
  });

  for (const protocolVersion of versions) {
    for (const transport of transports) {
      test(`MQTT ${protocolVersion === 5 ? '5.0' : '3.1.1'} over ${transport}: the right password gets in; a wrong one, an unknown user name or no password is refused with "bad user name or password"`, async () => {
        const good = await tb.connect({ transport, protocolVersion, clientId: id('acct-ok'), username: 'sensor', password: PASSWORD });
        await roundTrip(good);
        assert.equal((await tb.describe(good.options.clientId!)).username, 'sensor');

        const wrong = await tb.connectRefused({ transport, protocolVersion, clientId: id('acct-wrong'), username: 'sensor', password: pw('Not-The-Password') });
        assert.equal(wrong.code, BAD_CREDENTIALS[protocolVersion], wrong.message);
        const unknown = await tb.connectRefused({ transport, protocolVersion, clientId: id('acct-unknown'), username: 'nobody', password: PASSWORD });
        assert.equal(unknown.code, BAD_CREDENTIALS[protocolVersion], unknown.message);
        const none = await tb.connectRefused({ transport, protocolVersion, clientId: id('acct-nopw'), username: 'sensor' });
        assert.equal(none.code, BAD_CREDENTIALS[protocolVersion], none.message);
        good.end(true);
      });
    }
  }

  test('a refusal is recorded as the session\'s last failed connect with its reason, and creates no session for a stranger', async () => {
    const name = id('known-device');
    const c = await tb.connect({ clientId: name, ...permanent, username: 'sensor', password: PASSWORD });
    c.end();
    await closed(c);
    await waitFor(async () => (await tb.describe(name)).connectionStatus === 'disconnected', 3000, `${name} disconnected`);
    const t0 = Date.now();
    const r = await tb.connectRefused({ clientId: name, ...permanent, username: 'sensor', password: pw('Wrong-Again-123') });
    assert.equal(r.code, 0x86);
    const d = await tb.describe(name);
    assert.equal(d.lastFailedConnectReason, 'bad user name or password: wrong password for "sensor"');
    assert.ok(Date.parse(d.lastFailedConnectDateTime) >= t0 - 5);
    assert.equal(d.connectionStatus, 'disconnected');

    await tb.connectRefused({ clientId: name, protocolVersion: 4, clean: false, username: 'ghost', password: PASSWORD });
    assert.equal((await tb.describe(name)).lastFailedConnectReason, 'bad user name or password: no MQTT account "ghost"');

    const stranger = id('stranger');
    await tb.connectRefused({ clientId: stranger, username: 'ghost', password: PASSWORD });
    assert.equal((await tb.act('describeMqSessions', { clientNames: [stranger] })).errorCode, ErrorCode.unknownSession, 'a refused stranger leaves no session');
  });

  test('a disabled account is refused, and its connected clients are disconnected at once (MQTT 5: 0x87); enabling lets them back', async () => {
    const PW = pw('Line-Two-Password');
    await ok('createMqttUser', { username: 'line-2', password: PW });
    const v5 = await tb.connect({ transport: 'ws', clientId: id('line2-v5'), ...permanent, username: 'line-2', password: PW });
    const v4 = await tb.connect({ transport: 'tcp', protocolVersion: 4, clientId: id('line2-v4'), username: 'line-2', password: PW });
    const bystander = await tb.connect({ clientId: id('bystander'), username: 'sensor', password: PASSWORD });
    assert.equal((await users()).find((u) => u.username === 'line-2')!.connectedClients, 2);

    const reason = disconnectReason(v5);
    const off = await ok('alterMqttUser', { username: 'line-2', enabled: false });
    assert.equal(off.enabled, false);
    assert.equal(off.disconnectedClients, 2);
    assert.equal(off.connectedClients, 0);
    assert.equal(await reason, 0x87);
    await closed(v4);
    await closed(v5);
    await sleep(100);
    assert.equal(bystander.connected, true, 'another account\'s client stays');

    for (const protocolVersion of versions) {
      const r = await tb.connectRefused({ protocolVersion, clientId: id('line2-again'), username: 'line-2', password: PW });
      assert.equal(r.code, BAD_CREDENTIALS[protocolVersion], r.message);
    }
    const name = v5.options.clientId!;
    await tb.connectRefused({ transport: 'ws', clientId: name, ...permanent, username: 'line-2', password: PW });
    assert.equal((await tb.describe(name)).lastFailedConnectReason, 'bad user name or password: MQTT account "line-2" is disabled');

    await ok('alterMqttUser', { username: 'line-2', enabled: true });
    const back = await tb.connect({ transport: 'ws', clientId: name, ...permanent, username: 'line-2', password: PW });
    await roundTrip(back);
    back.end(true);
    bystander.end(true);
  });

  test('a deleted account is refused, and its connected clients are disconnected', async () => {
    const PW = pw('Doomed-Password-9');
    await ok('createMqttUser', { username: 'doomed', password: PW });
    const c = await tb.connect({ clientId: id('doomed-client'), username: 'doomed', password: PW });
    const reason = disconnectReason(c);
    assert.deepEqual(await ok('deleteMqttUser', { username: 'doomed' }), { username: 'doomed', deleted: true, disconnectedClients: 1 });
    assert.equal(await reason, 0x87);
    for (const protocolVersion of versions) {
      for (const transport of transports) {
        const r = await tb.connectRefused({ transport, protocolVersion, clientId: id('doomed-again'), username: 'doomed', password: PW });
        assert.equal(r.code, BAD_CREDENTIALS[protocolVersion], r.message);
      }
    }
    assert.equal((await users()).some((u) => u.username === 'doomed'), false);
  });

  test('a new password works at once and the old one is refused at once, though it was just verified (cached)', async () => {
    const OLD = pw('Rotating-Old-Pass');
    const NEW = pw('Rotating-New-Pass');
    await ok('createMqttUser', { username: 'rotating', password: OLD });
    const first = await tb.connect({ clientId: id('rot-a'), username: 'rotating', password: OLD });
    // Seconds later the same pair is answered from the cache.
    const t0 = performance.now();
    const cached = await tb.connect({ clientId: id('rot-b'), username: 'rotating', password: OLD });
    assert.ok(performance.now() - t0 < 1000);

    const changed = await ok('alterMqttUser', { username: 'rotating', password: NEW });
    assert.equal(changed.disconnectedClients, 0, 'a new password alone keeps connected clients');
    assert.ok(Date.parse(changed.passwordChangedDateTime) >= Date.parse(changed.createdDateTime));
    assert.equal(first.connected && cached.connected, true);
    const old = await tb.connectRefused({ clientId: id('rot-old'), username: 'rotating', password: OLD });
    assert.equal(old.code, 0x86, 'the old password is refused at once');
    const fresh = await tb.connect({ clientId: id('rot-new'), username: 'rotating', password: NEW });

    // disconnectClients: the clients connected with the old password (and the new) are cut off.
    const NEWER = pw('Rotating-Newer-Pass');
    const gone = [closed(first), closed(cached), closed(fresh)];
    const r = await ok('alterMqttUser', { username: 'rotating', password: NEWER, disconnectClients: true });
    assert.equal(r.disconnectedClients, 3);
    await Promise.all(gone);
    await tb.connect({ clientId: id('rot-newer'), username: 'rotating', password: NEWER });
  });

  test('a client whose password is binary (not UTF-8) is refused without harm', async () => {
    const r = await tb.connectRefused({ clientId: id('binary-pw'), username: 'sensor', password: Buffer.from([0xff, 0xfe, 0x00, 0x80]) as unknown as string });
    assert.equal(r.code, 0x86);
  });
});

describe('anonymous access', () => {
  const PW = pw('Gate-Keeper-Pass');
  before(async () => {
    await ok('createMqttUser', { username: 'gate', password: PW });
  });

  test('switched off: anonymous clients connected now are disconnected (0x87), new ones refused with "not authorized"; accounts still get in', async () => {
    const anon5 = await tb.connect({ clientId: id('anon5'), ...permanent });
    const anon4 = await tb.connect({ clientId: id('anon4'), protocolVersion: 4, transport: 'ws' });
    const member = await tb.connect({ clientId: id('member'), username: 'gate', password: PW });
    assert.equal((await settings()).connectedAnonymousClients, 2);

    const reason = disconnectReason(anon5);
    const off = await setAnonymous(false);
    assert.equal(off.allowAnonymous, false);
    assert.equal(off.allowAnonymousSource, 'dashboard');
    assert.equal(off.updatedBy, 'admin');
    assert.equal(off.disconnectedClients, 2);
    assert.equal(off.connectedAnonymousClients, 0);
    assert.equal(await reason, 0x87);
    await closed(anon4);
    await sleep(100);
    assert.equal(member.connected, true);

    for (const protocolVersion of versions) {
      for (const transport of transports) {
        const r = await tb.connectRefused({ transport, protocolVersion, clientId: id('anon-refused') });
        assert.equal(r.code, NOT_AUTHORIZED[protocolVersion], r.message);
        const withAccount = await tb.connect({ transport, protocolVersion, clientId: id('member-in'), username: 'gate', password: PW });
        await roundTrip(withAccount);
        withAccount.end(true);
      }
    }
    // An empty user name is no user name.
    const empty = await tb.connectRefused({ protocolVersion: 4, clientId: id('anon-empty'), username: '', password: 'x' });
    assert.equal(empty.code, 5);
    const name = anon5.options.clientId!;
    await tb.connectRefused({ clientId: name, ...permanent });
    assert.equal((await tb.describe(name)).lastFailedConnectReason, 'not authorized: anonymous MQTT clients are not allowed (no user name given)');
    member.end(true);
  });

  test('while off, MQ API sessions and the dashboard\'s feed connection are unaffected', async () => {
    assert.equal((await settings()).allowAnonymous, false);
    await ok('createMqApiSession', { clientName: 'api-while-closed' });
    const sub = await tb.connect({ clientId: id('member-sub'), username: 'gate', password: PW });
    const got = new Promise<string>((resolve) => sub.on('message', (_t, payload) => resolve(payload.toString())));
    await sub.subscribeAsync('closed/gate', { qos: 1 });
    await ok('publishMessagesToMq', { clientName: 'api-while-closed', messages: [{ topic: 'closed/gate', payload: 'from the MQ API', qos: 1 }] });
    assert.equal(await got, 'from the MQ API');

    const feed = await ok('createFeedToken');
    for (const transport of transports) {
      const dash = await tb.connect({ transport, clientId: id('dash-feed'), username: feed.username, password: feed.token });
      await dash.subscribeAsync('$SYS/mqdash/#', { qos: 0 });
      assert.equal(dash.connected, true);
      dash.end(true);
    }
    sub.end(true);
  });

  test('switched on again: anonymous clients get in', async () => {
    const on = await setAnonymous(true);
    assert.equal(on.allowAnonymous, true);
    assert.equal(on.disconnectedClients, 0);
    for (const protocolVersion of versions) {
      const c = await tb.connect({ protocolVersion, transport: 'ws', clientId: id('anon-back') });
      await roundTrip(c);
      c.end(true);
    }
  });
});

describe('persistence', () => {
  test('the setting and the accounts survive a restart; a stored setting wins over MQTT_ALLOW_ANONYMOUS', async () => {
    const dataDir = tempDir();
    const PW = pw('Survivor-Password');
    // MQTT_ALLOW_ANONYMOUS=false: the environment's default applies while nobody changed it.
    let b = await startBroker({ dataDir, mqtt: { allowAnonymous: false } });
    try {
      let s = await b.ok('describeMqttAuthSettings');
      assert.equal(s.allowAnonymous, false);
      assert.equal(s.allowAnonymousSource, 'environment');
      assert.equal(s.allowAnonymousDefault, false);
      assert.equal(s.usernamesChecked, true, 'anonymous access off checks user names even without accounts');
      assert.equal((await b.connectRefused({ clientId: 'env-anon' })).code, 0x87);
      assert.equal((await b.connectRefused({ clientId: 'env-named', username: 'x', password: 'y' })).code, 0x86);
      await b.ok('createMqttUser', { username: 'survivor', password: PW, description: 'kept' });
      await b.ok('alterMqttAuthSettings', { allowAnonymous: true });
      await b.stop();

      // Restarted with the same environment: the administrator's choice holds.
      b = await startBroker({ dataDir, mqtt: { allowAnonymous: false } });
      s = await b.ok('describeMqttAuthSettings');
      assert.equal(s.allowAnonymous, true);
      assert.equal(s.allowAnonymousSource, 'dashboard');
      assert.equal(s.accounts, 1);
      (await b.connect({ clientId: 'after-restart-anon' })).end(true);
      (await b.connect({ clientId: 'after-restart-acct', protocolVersion: 4, username: 'survivor', password: PW })).end(true);
      assert.equal((await b.connectRefused({ clientId: 'after-restart-wrong', username: 'survivor', password: 'nope-nope' })).code, 0x86);

      await b.ok('alterMqttAuthSettings', { allowAnonymous: false });
      await b.stop();
      b = await startBroker({ dataDir });
      s = await b.ok('describeMqttAuthSettings');
      assert.equal(s.allowAnonymous, false, 'off survives a restart with MQTT_ALLOW_ANONYMOUS unset (true)');
      assert.equal(s.allowAnonymousDefault, true);
      assert.equal((await b.connectRefused({ clientId: 'still-closed', transport: 'ws', protocolVersion: 4 })).code, 5);
      const u = (await b.ok('listMqttUsers')).data[0];
      assert.equal(u.username, 'survivor');
      assert.equal(u.description, 'kept');
    } finally {
      await b.close();
    }
  });
});

describe('bad input', () => {
  const PW = pw('Untouched-Password');
  before(async () => {
    await ok('createMqttUser', { username: 'untouched', password: PW, description: 'as created' });
  });

  test('createMqttUser: each bad property is named, and nothing is created', async () => {
    const before = await stored();
    const good = { username: 'new-one', password: pw('Valid-Password-1') };
    await refused('createMqttUser', { password: good.password }, ErrorCode.missingProperty, 'params.username');
    await refused('createMqttUser', { ...good, username: '' }, ErrorCode.outOfLimits, 'params.username');
    await refused('createMqttUser', { ...good, username: 'u'.repeat(65) }, ErrorCode.outOfLimits, 'params.username');
    await refused('createMqttUser', { ...good, username: 'tab\there' }, ErrorCode.outOfLimits, 'params.username');
    await refused('createMqttUser', { ...good, username: ' padded' }, ErrorCode.outOfLimits, 'params.username');
    await refused('createMqttUser', { ...good, username: 'mqdash-feed' }, ErrorCode.outOfLimits, 'params.username');
    await refused('createMqttUser', { ...good, username: 42 }, ErrorCode.wrongType, 'params.username');
    await refused('createMqttUser', { username: good.username }, ErrorCode.missingProperty, 'params.password');
    const short = await refused('createMqttUser', { ...good, password: pw('short') }, ErrorCode.outOfLimits, 'params.password');
    assert.equal(short.errorData?.value, undefined, 'a refused password is not echoed');
    await refused('createMqttUser', { ...good, password: pw('p'.repeat(1025)) }, ErrorCode.outOfLimits, 'params.password');
    await refused('createMqttUser', { ...good, password: 12345678 }, ErrorCode.wrongType, 'params.password');
    await refused('createMqttUser', { ...good, description: 'd'.repeat(1025) }, ErrorCode.outOfLimits, 'params.description');
    await refused('createMqttUser', { ...good, enabled: 'yes' }, ErrorCode.wrongType, 'params.enabled');
    await refused('createMqttUser', { username: 'untouched', password: pw('Another-Password') }, ErrorCode.nameInUse, 'params.username');
    assert.deepEqual(await stored(), before, 'nothing was created or changed');
    await tb.connect({ clientId: id('untouched-still'), username: 'untouched', password: PW });
  });

  test('alterMqttUser, deleteMqttUser: each bad property is named, and nothing is changed', async () => {
    const before = await stored();
    await refused('alterMqttUser', { enabled: false }, ErrorCode.missingProperty, 'params.username');
    await refused('alterMqttUser', { username: 'nobody-here', enabled: false }, ErrorCode.unknownMqttUser, 'params.username');
    await refused('alterMqttUser', { username: 'untouched' }, ErrorCode.missingProperty, 'params.password');
    await refused('alterMqttUser', { username: 'untouched', enabled: 'no' }, ErrorCode.wrongType, 'params.enabled');
    await refused('alterMqttUser', { username: 'untouched', password: pw('tiny') }, ErrorCode.outOfLimits, 'params.password');
    await refused('alterMqttUser', { username: 'untouched', description: 'd'.repeat(1025) }, ErrorCode.outOfLimits, 'params.description');
    await refused('alterMqttUser', { username: 'untouched', enabled: false, disconnectClients: true }, ErrorCode.outOfLimits, 'params.disconnectClients');
    await refused('deleteMqttUser', {}, ErrorCode.missingProperty, 'params.username');
    await refused('deleteMqttUser', { username: 'nobody-here' }, ErrorCode.unknownMqttUser, 'params.username');
    await refused('deleteMqttUser', { username: ['untouched'] }, ErrorCode.wrongType, 'params.username');
    assert.deepEqual(await stored(), before, 'nothing was changed');
    await tb.connect({ clientId: id('untouched-again'), username: 'untouched', password: PW });
  });

  test('alterMqttAuthSettings: a missing or mistyped allowAnonymous is named, and the setting stays', async () => {
    const before = await settings();
    await refused('alterMqttAuthSettings', {}, ErrorCode.missingProperty, 'params.allowAnonymous');
    await refused('alterMqttAuthSettings', { allowAnonymous: 'false' }, ErrorCode.wrongType, 'params.allowAnonymous');
    await refused('alterMqttAuthSettings', { allowAnonymous: 0 }, ErrorCode.wrongType, 'params.allowAnonymous');
    assert.deepEqual(await settings(), before);
  });

  test('no authToken: refused (12031); an EMQX API key principal may not manage accounts (14009)', async () => {
    for (const action of ['listMqttUsers', 'createMqttUser', 'alterMqttUser', 'deleteMqttUser', 'describeMqttAuthSettings', 'alterMqttAuthSettings']) {
      const r = await tb.broker.actions.run({ action, params: {} });
      assert.equal(r.errorCode, ErrorCode.invalidAuthToken, action);
    }
    const asKey = await tb.broker.actions.run(
      { action: 'alterMqttAuthSettings', params: { allowAnonymous: false } }, { source: 'emqx', principal: 'apikey:robot' },
    );
    assert.equal(asKey.errorCode, ErrorCode.notPermitted);
    const createAsKey = await tb.broker.actions.run(
      { action: 'createMqttUser', params: { username: 'by-key', password: pw('Made-By-A-Key') } }, { source: 'emqx', principal: 'apikey:robot' },
    );
    assert.equal(createAsKey.errorCode, ErrorCode.notPermitted);
    assert.equal((await users()).some((u) => u.username === 'by-key'), false);
    assert.equal((await settings()).allowAnonymous, true);
  });
});

describe('secrets', () => {
  test('every change is in the audit log; no action result, audit entry or log line holds a password or its hash', async () => {
    const audit = (await ok('listAuditLog', { maxRecords: 1000 })).data as Array<{ action: string; target: string; errorCode: number }>;
    const done = (action: string, target: string) => audit.some((e) => e.action === action && e.target === target && e.errorCode === 0);
    assert.ok(done('createMqttUser', 'mqttuser:sensor'));
    assert.ok(done('alterMqttUser', 'mqttuser:line-2'));
    assert.ok(done('deleteMqttUser', 'mqttuser:doomed'));
    assert.ok(done('alterMqttAuthSettings', 'mqtt-auth'));
    assert.ok(audit.some((e) => e.action === 'createMqttUser' && e.errorCode === ErrorCode.outOfLimits), 'refused changes are audited too');
    responses.push({ action: 'listAuditLog', text: JSON.stringify(audit) });

    assert.ok(passwords.size > 10);
    for (const r of responses) {
      assert.ok(!r.text.includes('scrypt$'), `${r.action} returned a password hash`);
      for (const p of passwords) assert.ok(!r.text.includes(p), `${r.action} returned the password ${p}: ${r.text.slice(0, 300)}`);
    }
  });

  test('at log level trace, neither right nor wrong MQTT passwords are logged', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const dataDir = tempDir();
    const broker = await createBroker({ dataDir, adminPassword: 'log-test-admin-pw', logger: pino({ level: 'trace' }, sink) });
    const server = await broker.listenMqtt(0);
    const url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const RIGHT = 'Logged-Right-Password';
    const WRONG = 'Logged-Wrong-Password';
    try {
      const login = await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: 'log-test-admin-pw' } });
      const authToken = login.authToken!;
      await broker.actions.run({ action: 'createMqttUser', params: { username: 'logged', password: RIGHT }, authToken });
      await broker.actions.run({ action: 'alterMqttUser', params: { username: 'logged', password: 'x' }, authToken });
      const good = await mqtt.connectAsync(url, { clientId: 'log-good', username: 'logged', password: RIGHT, reconnectPeriod: 0 });
      await assert.rejects(mqtt.connectAsync(url, { clientId: 'log-bad', username: 'logged', password: WRONG, reconnectPeriod: 0, protocolVersion: 4 }));
      await good.endAsync();
      await sleep(100);
    } finally {
      await broker.close();
    }
    const text = lines.join('');
    assert.match(text, /connect refused/, 'the refusal is logged');
    assert.match(text, /wrong password for \\"logged\\"/);
    for (const secret of [RIGHT, WRONG]) assert.ok(!text.includes(secret), `the log holds ${secret}`);
  });
});
