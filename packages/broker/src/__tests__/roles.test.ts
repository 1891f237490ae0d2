/**
 * Administrator roles (issue 12) on a real broker with a real SQLite file and real MQTT clients.
 * A table-driven test runs every JSON action under each role and asserts allowed or 14009; the
 * expectations are written here from the definitions (viewer reads, operator acts on
 * sessions, administrator does everything), independently of actions/roles.ts. Then: a viewer
 * never changes state (not by consuming MQ API messages, not through its feed connection), the
 * audit log names account and role, account management and its guards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { ErrorCode, roles, type Role } from '@mqdash/contracts';
import type { Res } from './api-helpers.ts';
import { collect, startBroker, waitFor, type TestBroker } from './helpers.ts';

const PW = { viewer: 'viewer-password-1', operator: 'operator-password-1' };

/** What each role may run, from the issue: viewer reads everything; operator acts on sessions; the rest is administrator's. */
const expected: Record<string, Role> = {
  deleteSession: 'viewer', pingSession: 'viewer', changePassword: 'viewer',
  listMqSessions: 'viewer', describeMqSessions: 'viewer', getMessagesFromMqTopic: 'viewer', listLabels: 'viewer', listLabelGroups: 'viewer',
  listAuditLog: 'viewer', createFeedToken: 'viewer', getOverview: 'viewer', getSessionHistory: 'viewer',
  listApiKeys: 'viewer', listMqttUsers: 'viewer', describeMqttAuthSettings: 'viewer', listAccounts: 'viewer', listNodes: 'viewer',
  describeRetentionPolicy: 'viewer', previewRetention: 'viewer', listRetainedMessages: 'viewer', describeRetainedMessages: 'viewer',
  createMqApiSession: 'operator', alterMqSession: 'operator', deleteMqSession: 'operator', disconnectMqSession: 'operator',
  subscribeToMq: 'operator', publishMessagesToMq: 'operator', getMessagesFromMqApiSession: 'operator', createLabel: 'operator', alterLabel: 'operator', deleteLabel: 'operator',
  deleteRetainedMessages: 'operator', undoAuditEntry: 'operator', listSessionEvents: 'viewer',
  createAccount: 'administrator', alterAccount: 'administrator', dropAccount: 'administrator',
  createApiKey: 'administrator', alterApiKey: 'administrator', deleteApiKey: 'administrator',
  createMqttUser: 'administrator', alterMqttUser: 'administrator', deleteMqttUser: 'administrator', alterMqttAuthSettings: 'administrator',
  createBackup: 'administrator', alterRetentionPolicy: 'administrator',
  listBans: 'viewer', previewBan: 'viewer', listTopicPermissions: 'viewer', createBan: 'operator', deleteBan: 'operator',
  createTopicPermission: 'administrator', deleteTopicPermission: 'administrator', alterTopicPermissionSettings: 'administrator',
  listAlertRules: 'viewer', createAlertRule: 'administrator', alterAlertRule: 'administrator', deleteAlertRule: 'administrator',
};
const rank: Record<Role, number> = { viewer: 0, operator: 1, administrator: 2 };

let tb: TestBroker;
const tokens = {} as Record<Role, string>;
const signIn = async (username: string, password: string) => {
  const r = await tb.broker.actions.run({ action: 'createSession', params: { username, password } });
  assert.equal(r.errorCode, 0, r.errorMessage);
  return r.authToken!;
};
const as = async (role: Role, action: string, params: Record<string, unknown> = {}): Promise<Res> => tb.broker.actions.run({ action, params, authToken: tokens[role] });

before(async () => {
  tb = await startBroker();
  await tb.ok('createAccount', { username: 'vera', password: PW.viewer, role: 'viewer' });
  await tb.ok('createAccount', { username: 'otto', password: PW.operator, role: 'operator' });
  tokens.viewer = await signIn('vera', PW.viewer);
  tokens.operator = await signIn('otto', PW.operator);
  tokens.administrator = tb.token;
  await tb.ok('createMqApiSession', { clientName: 'inbox' });
});
after(() => tb.close());

describe('every action under each role', () => {
  test('allowed, or refused with 14009 before anything is read; actions this test does not know need administrator', async () => {
    const names = tb.broker.actions.names().filter((a) => a !== 'createSession' && a !== 'deleteSession');
    assert.ok(names.length >= 33, 'every action is in the run');
    const rows: string[] = [];
    for (const action of names) {
      const need = expected[action] ?? 'administrator';
      for (const role of roles) {
        // Empty params: an allowed action answers about its params (or succeeds), a refused one with 14009.
        const r = await as(role, action);
        const allowed = rank[role] >= rank[need];
        if (allowed) assert.ok(r.errorCode !== ErrorCode.notPermitted && r.errorCode !== ErrorCode.invalidAuthToken, `${role} may run ${action}: ${r.errorCode} ${r.errorMessage}`);
        else {
          assert.equal(r.errorCode, ErrorCode.notPermitted, `${role} may not run ${action}: ${r.errorCode} ${r.errorMessage}`);
          assert.match(r.errorMessage, new RegExp(`${action} needs the ${need} role`));
        }
        rows.push(`${action}/${role}:${allowed ? 'allowed' : 'refused'}`);
      }
    }
    assert.equal(rows.length, names.length * 3);
  });

  test('deleteSession (sign-out) is every role\'s', async () => {
    for (const [username, password] of [['vera', PW.viewer], ['otto', PW.operator]] as const) {
      const t = await signIn(username, password);
      assert.equal((await tb.broker.actions.run({ action: 'deleteSession', params: {}, authToken: t })).errorCode, 0);
    }
  });
});

describe('a viewer never changes state', () => {
  test('refused with valid params too, and nothing changes', async () => {
    const before = await tb.describe('inbox');
    const r = await as('viewer', 'alterMqSession', { clientName: 'inbox', sessionStatus: 'banned' });
    assert.equal(r.errorCode, ErrorCode.notPermitted);
    assert.equal((await tb.describe('inbox')).sessionStatus, before.sessionStatus);
    assert.equal((await as('viewer', 'createApiKey', { name: 'sneaky' })).errorCode, ErrorCode.notPermitted);
    assert.equal(tb.broker.apiKeys.get('sneaky'), undefined);
  });

  test('consuming MQ API messages (getMessagesFromMqApiSession) needs operator; the queue is untouched until then', async () => {
    await tb.ok('subscribeToMq', { clientName: 'inbox', subscriptionActions: [{ action: 'subscribe', topicFilter: 'jobs/#', qos: 1 }] });
    const producer = await tb.connect({ clientId: 'producer' });
    // Queued for the MQ API session once acknowledged (as messaging-exchange.test.ts relies on).
    await producer.publishAsync('jobs/1', 'first', { qos: 1 });
    const refused = await as('viewer', 'getMessagesFromMqApiSession', { clientName: 'inbox', maxMessages: 10 });
    assert.equal(refused.errorCode, ErrorCode.notPermitted);
    const got = await as('operator', 'getMessagesFromMqApiSession', { clientName: 'inbox', maxMessages: 10 });
    assert.equal(got.errorCode, 0, got.errorMessage);
    assert.deepEqual(got.result.data.map((m: { payload: string }) => m.payload), ['first'], 'the message was still there for the operator');
  });

  test("a viewer's live-feed connection reads but cannot publish", async () => {
    const feedToken = (await as('viewer', 'createFeedToken')).result.token as string;
    const feed = await mqtt.connectAsync(tb.url(), { clientId: 'viewer-feed', username: 'mqdash-feed', password: feedToken, protocolVersion: 5, reconnectPeriod: 0 });
    const device = await tb.connect({ clientId: 'device-1' });
    const got = collect(device);
    await device.subscribeAsync('dev/cmd', { qos: 1 });
    await assert.rejects(feed.publishAsync('dev/cmd', 'reboot', { qos: 1 }), (e: { code?: number }) => e.code === 0x87, 'PUBACK 0x87 Not authorized');
    // A marker from an ordinary client arrives; the feed's message never did.
    const other = await tb.connect({ clientId: 'device-2' });
    await other.publishAsync('dev/cmd', 'marker', { qos: 1 });
    await waitFor(() => got.some((m) => m.text === 'marker'), 3000, 'the marker');
    assert.deepEqual(got.map((m) => m.text), ['marker']);
    await feed.endAsync(true);
  });
});

describe('audit', () => {
  test('names the account and its role; a refusal is recorded with both', async () => {
    await tb.ok('createMqApiSession', { clientName: 'audited' });
    assert.equal((await as('operator', 'alterMqSession', { clientName: 'audited', sessionStatus: 'hidden' })).errorCode, 0);
    assert.equal((await as('viewer', 'deleteMqSession', { clientName: 'audited' })).errorCode, ErrorCode.notPermitted);
    const log = (await as('viewer', 'listAuditLog', { target: 'audited', maxRecords: 10 })).result.data as Array<{ actor: string; action: string; role?: string; errorCode: number }>;
    assert.deepEqual(log.slice(0, 2).map((e) => [e.actor, e.role, e.action, e.errorCode]), [
      ['vera', 'viewer', 'deleteMqSession', ErrorCode.notPermitted],
      ['otto', 'operator', 'alterMqSession', 0],
    ]);
    const signIn = (await as('viewer', 'listAuditLog', { maxRecords: 200 })).result.data.find((e: { action: string; actor: string }) => e.action === 'createSession' && e.actor === 'vera');
    assert.equal(signIn.role, 'viewer');
  });
});

describe('administrator accounts', () => {
  test('createAccount: viewer unless a role is given; names are unique; bad input changes nothing', async () => {
    const made = await tb.ok('createAccount', { username: 'nina', password: 'nina-password-1', accountDescription: 'night shift' });
    assert.deepEqual([made.username, made.role, made.accountDescription, made.createdBy], ['nina', 'viewer', 'night shift', 'admin']);
    assert.equal((await tb.act('createAccount', { username: 'nina', password: 'other-password-1' })).errorCode, ErrorCode.nameInUse);
    const short = await tb.act('createAccount', { username: 'pat', password: 'short' });
    assert.deepEqual([short.errorCode, short.errorData?.property], [ErrorCode.outOfLimits, 'params.password']);
    assert.ok(!JSON.stringify(short).includes('short"'), 'the password is not echoed');
    assert.equal((await tb.act('createAccount', { username: ' pat', password: 'pat-password-12' })).errorCode, ErrorCode.outOfLimits);
    assert.equal((await tb.act('createAccount', { username: 'pat', password: 'pat-password-12', role: 'root' })).errorCode, ErrorCode.outOfLimits);
    const list = (await as('viewer', 'listAccounts')).result.data as Array<{ username: string; role: string }>;
    assert.deepEqual(list.map((a) => [a.username, a.role]), [['admin', 'administrator'], ['nina', 'viewer'], ['otto', 'operator'], ['vera', 'viewer']]);
    assert.ok(!JSON.stringify(list).includes('scrypt'), 'no password hashes');
  });

  test('a new role applies from the next request, without signing in again', async () => {
    const t = await signIn('nina', 'nina-password-1');
    const hide = () => tb.broker.actions.run({ action: 'createLabel', params: { group: 'g', name: 'n1' }, authToken: t });
    assert.equal((await hide()).errorCode, ErrorCode.notPermitted);
    await tb.ok('alterAccount', { username: 'nina', role: 'operator' });
    assert.equal((await hide()).errorCode, 0);
  });

  test('a password reset by another administrator ends the account\'s sign-ins; its own goes through changePassword', async () => {
    const t = await signIn('nina', 'nina-password-1');
    await tb.ok('alterAccount', { username: 'nina', password: 'nina-password-2' });
    assert.equal((await tb.broker.actions.run({ action: 'pingSession', params: {}, authToken: t })).errorCode, ErrorCode.invalidAuthToken);
    await signIn('nina', 'nina-password-2');
    const self = await tb.act('alterAccount', { username: 'admin', password: 'admin-new-password' });
    assert.equal(self.errorCode, ErrorCode.notPermitted);
    assert.match(self.errorMessage, /changePassword/);
  });

  test('never without an administrator; not one\'s own account; unknown names', async () => {
    const demote = await tb.act('alterAccount', { username: 'admin', role: 'operator' });
    assert.equal(demote.errorCode, ErrorCode.lastAdministrator);
    assert.match(demote.errorMessage, /only administrator/);
    assert.equal((await tb.act('dropAccount', { username: 'admin' })).errorCode, ErrorCode.notPermitted, 'not the account signed in');
    assert.equal((await tb.act('dropAccount', { username: 'ghost' })).errorCode, ErrorCode.unknownAccount);
    assert.equal((await tb.act('alterAccount', { username: 'ghost', role: 'viewer' })).errorCode, ErrorCode.unknownAccount);
    assert.equal((await tb.act('alterAccount', { username: 'nina' })).errorCode, ErrorCode.missingProperty);
    // With a second administrator the first can step down, and the second cannot then be removed.
    await tb.ok('alterAccount', { username: 'nina', role: 'administrator' });
    await tb.ok('alterAccount', { username: 'admin', role: 'operator' });
    const nina = await signIn('nina', 'nina-password-2');
    const r = await tb.broker.actions.run({ action: 'alterAccount', params: { username: 'nina', role: 'viewer' }, authToken: nina });
    assert.equal(r.errorCode, ErrorCode.lastAdministrator);
    await tb.broker.actions.run({ action: 'alterAccount', params: { username: 'admin', role: 'administrator' }, authToken: nina });
    assert.equal(tb.broker.auth.role('admin'), 'administrator');
  });

  test('dropAccount ends its sign-ins at once', async () => {
    const t = await signIn('vera', PW.viewer);
    assert.deepEqual(await tb.ok('dropAccount', { username: 'vera' }), { username: 'vera' });
    assert.equal((await tb.broker.actions.run({ action: 'pingSession', params: {}, authToken: t })).errorCode, ErrorCode.invalidAuthToken);
    assert.equal((await tb.broker.actions.run({ action: 'createSession', params: { username: 'vera', password: PW.viewer } })).errorCode, ErrorCode.loginFailed);
  });

  test('an API key (EMQX principal) cannot manage accounts, whatever its role', async () => {
    const r = await tb.broker.actions.run({ action: 'listAccounts', params: {} }, { source: 'emqx', principal: 'apikey:ops', principalRole: 'administrator' });
    assert.equal(r.errorCode, 0, 'reading is fine');
    const c = await tb.broker.actions.run({ action: 'createAccount', params: { username: 'keyed', password: 'keyed-password-1' } }, { source: 'emqx', principal: 'apikey:ops', principalRole: 'administrator' });
    assert.equal(c.errorCode, ErrorCode.notPermitted);
    const none = await tb.broker.actions.run({ action: 'listMqSessions', params: {} }, { source: 'emqx', principal: 'apikey:ops' });
    assert.equal(none.errorCode, ErrorCode.notPermitted, 'a principal without a role may do nothing');
  });
});
