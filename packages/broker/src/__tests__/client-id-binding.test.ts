/**
 * Client-id binding (issue 12) end to end: real mqtt.js clients (MQTT 3.1.1 and 5.0, TCP and
 * WebSocket) against a real broker with MQTT accounts, the binding set through
 * alterMqttAuthSettings. Runs on the engine MQDASH_ENGINE names (aedes by default), so both
 * engines are checked by running it twice. Each mode: none (takeover allowed, as before),
 * session-owner (another account, or an anonymous client, cannot take a client id over),
 * prefix-username and equals-username (0x85 / return code 2), the refusal counted on the session.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- results are read property by property */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '@mqdash/contracts';
import { disconnectReason, startBroker, type TestBroker, type Transport } from './helpers.ts';

/** Refusal codes: MQTT 5 reason codes, 3.1.1 return codes. */
const NOT_VALID = { 4: 2, 5: 0x85 } as const;
const NOT_AUTHORIZED = { 4: 5, 5: 0x87 } as const;
const versions = [4, 5] as const;

let tb: TestBroker;
let uniq = 0;
const id = (prefix: string) => `${prefix}-${++uniq}`;

before(async () => {
  tb = await startBroker();
  // Anonymous clients stay allowed next to the accounts.
  await tb.ok('alterMqttAuthSettings', { allowAnonymous: true });
  for (const username of ['alice', 'bob', 'al']) await tb.ok('createMqttUser', { username, password: `${username}-password-1` });
});
after(() => tb.close());
afterEach(async () => {
  await tb.ok('alterMqttAuthSettings', { clientIdBinding: 'none' });
});

const as = (username: string) => ({ username, password: `${username}-password-1` });
const bind = (clientIdBinding: string) => tb.ok('alterMqttAuthSettings', { clientIdBinding });

describe('client-id binding', () => {
  test('none (the default): an account takes over another account\'s client id, as MQTT allows', async () => {
    assert.equal((await tb.ok('describeMqttAuthSettings')).clientIdBinding, 'none');
    const clientId = id('shared');
    const a = await tb.connect({ clientId, ...as('alice') });
    const kicked = disconnectReason(a);
    await tb.connect({ clientId, ...as('bob') });
    await kicked;
  });

  for (const v of versions) {
    const transport: Transport = v === 5 ? 'tcp' : 'ws';
    const name = `MQTT ${v === 5 ? '5' : '3.1.1'} over ${transport}`;

    test(`${name}: session-owner keeps a client id with the user name that holds its session`, async () => {
      await bind('session-owner');
      const clientId = id(`dev-v${v}`);
      const a = await tb.connect({ clientId, ...as('alice'), protocolVersion: v, transport, clean: false, ...(v === 5 ? { properties: { sessionExpiryInterval: 600 } } : {}) });
      const refused = await tb.connectRefused({ clientId, ...as('bob'), protocolVersion: v, transport });
      assert.equal(refused.code, NOT_AUTHORIZED[v], refused.message);
      const anonymous = await tb.connectRefused({ clientId, protocolVersion: v, transport });
      assert.equal(anonymous.code, NOT_AUTHORIZED[v], anonymous.message);
      // alice's connection was not taken over, and alice herself may reconnect (a takeover of her own).
      assert.equal(a.connected, true);
      await tb.connect({ clientId, ...as('alice'), protocolVersion: v, transport, clean: false });
      const detail = await tb.describe(clientId);
      assert.equal(detail.accessDenials?.connect, 2, JSON.stringify(detail.accessDenials));
      assert.match(detail.accessDenials.lastDenial, /belongs to another user name/);
    });

    test(`${name}: prefix-username refuses a client id that does not start with the user name (${v === 5 ? '0x85' : 'return code 2'})`, async () => {
      await bind('prefix-username');
      const refused = await tb.connectRefused({ clientId: id('bob-device'), ...as('alice'), protocolVersion: v, transport });
      assert.equal(refused.code, NOT_VALID[v], refused.message);
      await tb.connect({ clientId: id('alice-device'), ...as('alice'), protocolVersion: v, transport });
      await tb.connect({ clientId: 'alice', ...as('alice'), protocolVersion: v, transport });
    });

    test(`${name}: equals-username allows only the user name as client id`, async () => {
      await bind('equals-username');
      const refused = await tb.connectRefused({ clientId: id('bob'), ...as('bob'), protocolVersion: v, transport });
      assert.equal(refused.code, NOT_VALID[v], refused.message);
      const c = await tb.connect({ clientId: 'bob', ...as('bob'), protocolVersion: v, transport });
      c.end(true);
    });
  }

  test('prefix-username: an account whose name is a prefix ("al") cannot take over alice\'s session', async () => {
    await bind('prefix-username');
    const clientId = id('alice-meter');
    await tb.connect({ clientId, ...as('alice'), clean: false, properties: { sessionExpiryInterval: 600 } });
    const refused = await tb.connectRefused({ clientId, ...as('al') });
    assert.equal(refused.code, 0x87, refused.message);
  });

  test('an anonymous client keeps to the session-owner rule only, and never takes over an account\'s client id', async () => {
    await bind('equals-username');
    const anonymousId = id('anon');
    await tb.connect({ clientId: anonymousId });
    // An anonymous session belongs to nobody: an account that may use the id takes it (here: none may
    // under equals-username but alice's own name), so check the owner rule with alice's id.
    await tb.connect({ clientId: 'alice', ...as('alice'), clean: false, properties: { sessionExpiryInterval: 600 } });
    const refused = await tb.connectRefused({ clientId: 'alice' });
    assert.equal(refused.code, 0x87, refused.message);
  });

  test('the setting is stored, audited, and named when wrong', async () => {
    const r = await tb.ok('alterMqttAuthSettings', { clientIdBinding: 'prefix-username' });
    assert.equal(r.clientIdBinding, 'prefix-username');
    assert.equal(r.allowAnonymous, true, 'allowAnonymous untouched when not given');
    assert.equal((await tb.ok('describeMqttAuthSettings')).clientIdBinding, 'prefix-username');
    const wrong = await tb.act('alterMqttAuthSettings', { clientIdBinding: 'prefix' });
    assert.equal(wrong.errorCode, ErrorCode.outOfLimits, wrong.errorMessage);
    assert.match(wrong.errorMessage!, /params\.clientIdBinding/);
    const none = await tb.act('alterMqttAuthSettings', {});
    assert.equal(none.errorCode, ErrorCode.missingProperty, none.errorMessage);
    const audit = await tb.ok('listAuditLog', { target: 'mqtt-auth', maxRecords: 100 });
    assert.ok(audit.data.some((e: any) => JSON.stringify(e).includes('prefix-username')), JSON.stringify(audit.data[0]));
  });
});
