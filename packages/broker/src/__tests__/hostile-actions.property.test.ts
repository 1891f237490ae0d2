/**
 * Hostile input, property-based (issue "Hostile input"): every JSON action gets random and boundary
 * params — wrong types, strings at and past their limits, deep nesting, lone surrogates and NUL,
 * numbers at and past their limits, -0, NaN-like strings, arrays where objects go, extra keys — and
 * must always answer (never throw), with errorCode 0 or a code from the table in
 * packages/contracts/src/errors.ts and a non-empty errorMessage. A refused action changes nothing:
 * every session (all statuses, hidden included), its description, the labels, the API keys, the MQTT
 * client accounts and the anonymous-access setting are deepEqual before and after, apart from the stats rates that move with time. A real MQTT client
 * stays connected throughout, so the broker process is still serving.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { ErrorCode } from '@mqdash/contracts';
import { actions } from '../actions/index.ts';
import { ADMIN_PASSWORD, permanent5, startTestBroker, waitFor, type Res, type TestBroker } from './api-helpers.ts';

const knownCodes = new Set<number>(Object.values(ErrorCode));
// A failing run's report says what went wrong, not only which input did it.
fc.configureGlobal({ includeErrorInReport: true });
const NUM_RUNS = Number(process.env.HOSTILE_RUNS ?? 50);

const ROBOT = 'hostile/robot';
const API = 'hostile-api';
const KEY = 'hostile-key';
const MQTT_USER = 'hostile-mqtt-user';
const ACCOUNT = 'hostile-account';
// Outside the robot's hostile/# subscription, so putting it back delivers nothing a snapshot could catch in flight.
const RETAINED = 'retained-hostile/kept';

/** Built once and shared, so generating a run stays cheap. */
const nested = (depth: number, leaf: unknown = 1, asArray = false): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  // fast-check prints counterexamples recursively; a short name keeps its report from overflowing the stack.
  Object.defineProperty(v, fc.toStringMethod, { value: () => `<${asArray ? 'array' : 'object'} nested ${depth} deep>` });
  return v;
};
const big = {
  s64: 'x'.repeat(64), s65: 'x'.repeat(65), s128: 'k'.repeat(128), s129: 'k'.repeat(129),
  s1024: 'd'.repeat(1024), s1025: 'd'.repeat(1025), s65500: 'm'.repeat(65500), s65501: 'm'.repeat(65501),
  s65535: 't'.repeat(65535), s65536: 't'.repeat(65536),
  /** 65,551 bytes in 32,776 characters: past 65,550 only when bytes are counted. */
  utf8Over: 'é'.repeat(32775) + 'x',
  s1m: 'h'.repeat(1024 * 1024 + 1),
  deepObj: nested(10_000), deepArr: nested(10_000, 1, true), deep50: nested(50, "x"),
  manyItems: Array.from({ length: 10_001 }, (_, i) => `c${i}`),
  manyObjs: Array.from({ length: 1001 }, () => ({ topicFilter: 'a/b' })),
};

const boundaryValues: unknown[] = [
  null, true, false, 0, -0, 1, -1, 2, 3, 0.5, 255, 256, 1000, 1001, 1024, 10_000, 65535, 65536,
  268435455, 268435456, 268435460, 268435461, 4294967295, 4294967296, 4294967297, 2 ** 53, 2 ** 53 + 2,
  -(2 ** 31), 1e12, 1e12 + 1, 1e308, -1e308, Number.MIN_VALUE, NaN, Infinity, -Infinity,
  'NaN', 'Infinity', '-Infinity', '-0', '0x10', '1e3', ' 1', '', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\udc00y',
  '\uffff', '\u202e', '🙂', '#', '+', '/', '//', 'a/#/b', 'a+/b', '$SYS/#', '$SYS/mqdash/x', '../../etc/passwd', '%00', '%zz',
  "'; DROP TABLE sessions; --", '<script>alert(1)</script>', '__proto__', 'constructor', 'prototype', 'true', 'null',
  '2030-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '9999-99-99T99:99:99Z', 'normal', 'hidden', 'banned', 'inactive',
  ROBOT, API, KEY, MQTT_USER, ...Object.values(big),
  [], [null], [[]], {}, { '': 1 }, JSON.parse('{"__proto__":{"polluted":1}}'), [{}], ['normal', 'bogus'],
];

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...boundaryValues) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt().map(Number)) },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true, withSparseArray: true }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...boundaryValues.slice(0, 60)), { maxLength: 4 }) },
);

/** A params object whose keys are the action's own (from `seed`) plus extras, each valid or hostile. */
function paramsFor(seed: Record<string, unknown>): fc.Arbitrary<unknown> {
  const field = (valid: unknown) => fc.oneof({ weight: 2, arbitrary: fc.constant(valid) }, { weight: 3, arbitrary: hostileValue });
  const keys = Object.keys(seed);
  const mutated = fc
    .tuple(
      keys.length ? fc.record(Object.fromEntries(keys.map((k) => [k, field(seed[k])])), { requiredKeys: [] }) : fc.constant({}),
      fc.dictionary(fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', '', 'clientName', 'authToken')), hostileValue, { maxKeys: 3 }),
    )
    .map(([own, extra]) => ({ ...extra, ...own }));
  return fc.oneof({ weight: 6, arbitrary: mutated }, { weight: 1, arbitrary: hostileValue });
}

/**
 * Per action: property names with a valid value each, so a run is often one bad property away from
 * succeeding. changePassword never has the right current password (it would revoke every token).
 */
const seeds: Record<string, Record<string, unknown>> = {
  createSession: { username: 'admin', password: 'not-the-password' },
  deleteSession: {},
  pingSession: {},
  changePassword: { currentPassword: 'not-the-password', newPassword: 'a-new-password-1' },
  listAuditLog: { target: ROBOT, maxRecords: 10 },
  createMqApiSession: { clientName: 'hostile-new', temporarySession: false, cleanSession: false, sessionStatus: 'normal', keepAliveSeconds: 60, userProperties: [{ key: 'k', value: 'v' }], mqttPayloadType: 'binary', sessionExpiryInterval: 60, receiveMaximum: 10, maximumPacketSize: 1024, willTopic: 'w/t', willQoS: 1, willPayload: 'bye', label: { group: 'g', name: 'n' }, mqttProtocol: '5.0' },
  listMqSessions: { connectionStatusFilter: ['connected'], sessionStatusFilter: ['normal'], sessionTypeFilter: ['mqtt'], healthFilter: ['healthy'], sortAscending: 'clientName', skipRecords: 0, maxRecords: 10, partialClientName: 'h' },
  describeMqSessions: { clientNames: [ROBOT, API], includeSubscribedTopics: true, includePublishedTopics: true, includeStats: true },
  alterMqSession: { clientName: API, sessionStatus: 'hidden', keepAliveSeconds: 30, label: null, willTopic: 'w', userProperties: [], minHealthySendRatePerMinute: 1, maxHealthySendRatePerMinute: 10 },
  deleteMqSession: { clientName: API, permanentlyDeleteSession: false },
  disconnectMqSession: { clientName: ROBOT },
  subscribeToMq: { clientName: API, subscriptionActions: [{ action: 'subscribe', topicFilter: 'a/+/c', qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] },
  publishMessagesToMq: { clientName: API, messages: [{ topic: 'hostile/t', payload: 'hi', qos: 1, retain: false }] },
  getMessagesFromMqApiSession: { clientName: API, maxMessages: 5 },
  getMessagesFromMqTopic: { topic: 'hostile/t', startFrom: 'tail', maxMessages: 5, binaryFormat: 'hex' },
  createLabel: { group: 'g', name: 'hostile-label', description: 'd', metadata: { a: 1 } },
  listLabels: { groupFilter: ['g'], skipRecords: 0, maxRecords: 10 },
  listLabelGroups: {},
  alterLabel: { group: 'g', name: 'existing', newName: 'renamed', value: 7, enum: 1, sequence: 2.5, deprecated: true, description: 'd', metadata: { color: '#3b82f6' } },
  deleteLabel: { group: 'g', name: 'existing' },
  createFeedToken: {},
  getOverview: { historyMinutes: 60 },
  getSessionHistory: { clientName: ROBOT },
  createApiKey: { name: 'hostile-new-key', description: 'd', expiresAt: '2999-01-01T00:00:00Z' },
  listApiKeys: {},
  alterApiKey: { name: KEY, enabled: false, description: 'changed' },
  deleteApiKey: { name: KEY },
  createMqttUser: { username: 'hostile-new-user', password: 'hostile-password-1', description: 'd', enabled: true },
  listMqttUsers: {},
  alterMqttUser: { username: MQTT_USER, password: 'hostile-password-2', enabled: false, description: 'changed', disconnectClients: false },
  deleteMqttUser: { username: MQTT_USER },
  describeMqttAuthSettings: {},
  listNodes: {},
  alterMqttAuthSettings: { allowAnonymous: true, clientIdBinding: 'none' },
  createAccount: { username: 'hostile-new-admin', password: 'hostile-password-12', role: 'viewer', accountDescription: 'd' },
  listAccounts: {},
  alterAccount: { username: ACCOUNT, role: 'operator', password: 'hostile-password-13', accountDescription: 'changed' },
  dropAccount: { username: ACCOUNT },
  createBackup: {},
  describeRetentionPolicy: {},
  alterRetentionPolicy: { enabled: false, sessionsNotConnectedForDays: 30, includePermanentSessions: false, auditLogMaxAgeDays: 365, auditLogMaxEntries: 1000, queuedMessagesMaxAgeDays: 0, sessionEventsMaxAgeDays: 90 },
  previewRetention: { sessionsNotConnectedForDays: 1, includePermanentSessions: true, auditLogMaxAgeDays: 1, auditLogMaxEntries: 10, sessionEventsMaxAgeDays: 1 },
  listRetainedMessages: { topicFilter: 'retained-hostile/#', skipRecords: 0, maxRecords: 10 },
  describeRetainedMessages: { topics: [RETAINED], binaryFormat: 'utf8' },
  deleteRetainedMessages: { topic: RETAINED, dryRun: true },
  undoAuditEntry: { auditId: 1 },
  listSessionEvents: { clientName: ROBOT, maxRecords: 10 },
  createBan: { banType: 'ipRange', value: '10.0.0.0/8', reason: 'r', expiresDateTime: '2999-01-01T00:00:00Z' },
  previewBan: { banType: 'clientNamePattern', value: '^dev-', reason: 'r', expiresDateTime: '2999-01-01T00:00:00Z' },
  listBans: { banType: 'clientName', value: 'x', partialValue: 'h', skipRecords: 0, maxRecords: 10 },
  deleteBan: { banType: 'clientNamePattern', value: '^hostile-' },
  createTopicPermission: { subject: 'account', username: MQTT_USER, permission: 'deny', action: 'publish', topicFilter: 'devices/%c/#', position: 1 },
  listTopicPermissions: { username: MQTT_USER },
  deleteTopicPermission: { permissionId: 1 },
  alterTopicPermissionSettings: { defaultPermission: 'allow' },
  createAlertRule: { name: 'hostile rule', condition: 'offlineSessions', threshold: 3, forMinutes: 0.5, enabled: true, partialClientName: 'hostile-', labelId: 1, webhookUrl: 'http://127.0.0.1:9/hostile', webhookSecret: 's' },
  listAlertRules: { stateFilter: ['firing', 'pending'] },
  alterAlertRule: { ruleId: 1, name: 'renamed rule', condition: 'connectedSessionsBelow', threshold: 0.5, forMinutes: 10, enabled: false, partialClientName: null, labelId: null, webhookUrl: null, webhookSecret: null },
  deleteAlertRule: { ruleId: 1 },
};

/** Stats that move with the clock (rates, and the health derived from them), not with a change. */
const movesWithTime = (k: string) => /^(?!min|max)\w*(Rate|PerMinute|PerHour|PerDay)\w*$/.test(k) || k === 'sessionHealth';
const stable = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !movesWithTime(k)).map(([k, x]) => [k, stable(x)]));
  return v;
};
const short = (v: unknown) => {
  try {
    const s = JSON.stringify(v, (_k, x) => (typeof x === 'string' && x.length > 80 ? `${x.slice(0, 40)}…(${x.length} chars)` : x));
    return s === undefined ? String(v) : s.length > 600 ? `${s.slice(0, 600)}…` : s;
  } catch (err) {
    return `<unprintable: ${(err as Error).message}>`;
  }
};

describe('every JSON action survives hostile params and changes nothing when it refuses', () => {
  let t: TestBroker;
  let robot: MqttClient;

  async function snapshot() {
    const list = await t.listAll();
    const names = list.data.map((r: { clientName: string }) => r.clientName).sort();
    const described = await t.ok('describeMqSessions', { clientNames: names, includeStats: true, includeSubscribedTopics: true, includePublishedTopics: true });
    // The anonymous client count moves with the robot's and the probes' connections, not with a change.
    const { connectedAnonymousClients: _, ...mqttAuth } = await t.ok('describeMqttAuthSettings', {});
    return stable({
      list, described: described.data, labels: await t.ok('listLabels', {}), apiKeys: await t.ok('listApiKeys', {}),
      mqttUsers: await t.ok('listMqttUsers', {}), mqttAuth, accounts: await t.ok('listAccounts', {}), retention: (await t.ok('describeRetentionPolicy', {})).policy,
      retained: (await t.ok('listRetainedMessages', { topicFilter: '#', maxRecords: 1000 })).data,
      // The settings of each rule; its state moves with the evaluation timer, not with a change.
      alertRules: (await t.ok('listAlertRules', {})).data.map(({ state: _s, value: _v, conditionSinceDateTime: _c, firingSinceDateTime: _f, lastEvaluatedDateTime: _l, ...rule }: Record<string, unknown>) => rule),
    });
  }

  /** Puts back what a successful random action may have removed, so later runs have something to hit. */
  async function ensureFixtures() {
    const have = new Set((await t.listAll()).data.map((r: { clientName: string }) => r.clientName));
    if (!have.has(API)) await t.ok('createMqApiSession', { clientName: API });
    const keys = (await t.ok('listApiKeys', {})).data.map((k: { name: string }) => k.name);
    if (!keys.includes(KEY)) await t.ok('createApiKey', { name: KEY });
    const users = (await t.ok('listMqttUsers', {})).data.map((u: { username: string }) => u.username);
    if (!users.includes(MQTT_USER)) await t.ok('createMqttUser', { username: MQTT_USER, password: 'hostile-password-0' });
    const accounts = (await t.ok('listAccounts', {})).data.map((a: { username: string }) => a.username);
    if (!accounts.includes(ACCOUNT)) await t.ok('createAccount', { username: ACCOUNT, password: 'hostile-password-11' });
    // A random alterMqttAuthSettings may have refused anonymous clients (and disconnected the robot).
    if (!(await t.ok('describeMqttAuthSettings', {})).allowAnonymous) await t.ok('alterMqttAuthSettings', { allowAnonymous: true });
    if (!robot.connected) {
      // A random alterMqSession may have banned it; a disconnect or delete may have ended it.
      await t.run('alterMqSession', { clientName: ROBOT, sessionStatus: 'normal' });
      robot.end(true);
      robot = await t.connect(ROBOT, permanent5);
    }
    // A random deleteRetainedMessages may have removed the retained message the retained actions aim at.
    const retainedHeld = async () => (await t.ok('listRetainedMessages', { topicFilter: RETAINED })).totalCount > 0;
    if (!(await retainedHeld())) {
      await robot.publishAsync(RETAINED, 'kept', { qos: 1, retain: true });
      await waitFor(retainedHeld, `the retained message on ${RETAINED}`);
    }
  }

  /** The broker still serves MQTT: a fresh client publishes and receives its own message. */
  let probes = 0;
  async function stillServing() {
    const name = `hostile-probe-${probes++}`;
    const c = await t.connect(name, { protocolVersion: 5 });
    await c.subscribeAsync('hostile/probe', { qos: 1 });
    const got = new Promise<string>((resolve) => c.once('message', (_tp, p) => resolve(p.toString())));
    await c.publishAsync('hostile/probe', 'still here', { qos: 1 });
    assert.equal(await got, 'still here', 'the broker still routes messages');
    await c.endAsync(true);
    // Its temporary session goes away asynchronously; wait, so it is not taken for a change later.
    await waitFor(async () => !(await t.listAll()).data.some((r: { clientName: string }) => r.clientName === name), `${name} gone`);
  }

  before(async () => {
    t = await startTestBroker();
    robot = await t.connect(ROBOT, permanent5);
    await robot.subscribeAsync('hostile/#', { qos: 1 });
    await t.ok('createLabel', { group: 'g', name: 'existing' });
    await ensureFixtures();
  });
  after(() => t.close());

  /** One request: it must answer with the documented shape, and a refusal must change nothing. */
  async function check(request: Record<string, unknown>): Promise<void> {
    const before = await snapshot();
    let r: Res;
    try {
      r = await t.raw(request);
    } catch (err) {
      assert.fail(`actions.run threw ${(err as Error).stack} for ${short(request)}`);
    }
    assert.ok(r && typeof r === 'object', `no response object for ${short(request)}`);
    assert.ok(knownCodes.has(r.errorCode), `errorCode ${r.errorCode} is not in the table, for ${short(request)}: ${short(r)}`);
    assert.notEqual(r.errorCode, ErrorCode.internal, `internal error for ${short(request)}: ${short(r)}`);
    assert.equal(typeof r.errorMessage, 'string', `errorMessage is a string for ${short(request)}`);
    if (r.errorCode !== 0) {
      assert.ok(r.errorMessage.length > 0, `empty errorMessage for ${short(request)}: ${short(r)}`);
      assert.deepEqual(r.result, {}, `a refusal answers result {}: ${short(r)}`);
      assert.deepEqual(await snapshot(), before, `refused with ${r.errorCode} (${r.errorMessage.slice(0, 200)}) but something changed, for ${short(request)}`);
    } else {
      await ensureFixtures();
    }
    assert.doesNotThrow(() => JSON.stringify(r), 'the response serializes as JSON');
  }

  test('the action table and the seeds cover the same actions', () => {
    assert.deepEqual([...actions.keys()].sort(), Object.keys(seeds).sort());
  });

  for (const name of Object.keys(seeds)) {
    test(`${name}: random and boundary params`, async () => {
      await fc.assert(
        fc.asyncProperty(paramsFor(seeds[name]!), async (params) => {
          // deleteSession ends the token it is given: it gets one of its own. The wrong passwords of
          // the createSession and changePassword runs have throttled this in-process caller's
          // sign-ins (issue 12), so the lockout is cleared first, as reset-admin-password would.
          if (name === 'deleteSession') t.broker.signInLimiter.clearLockout('admin');
          const authToken = name === 'deleteSession' ? (await t.raw({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } })).authToken : t.token;
          await check({ action: name, params, authToken });
        }),
        { numRuns: NUM_RUNS, endOnFailure: true },
      );
      await stillServing();
    });
  }

  test('hostile envelopes: odd action names, tokens, requestIds and params that are not objects', async () => {
    const envelope = fc.record({
      action: fc.oneof(fc.constantFrom(...actions.keys()), hostileValue),
      params: hostileValue,
      authToken: fc.oneof(fc.constant(undefined), hostileValue),
      requestId: fc.oneof(fc.constant(undefined), hostileValue),
      debug: fc.oneof(fc.constant(undefined), fc.constantFrom('max', 'none', 'MAX'), hostileValue),
    }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(envelope, async (req) => {
        // Never a valid token here except by luck of `hostileValue` (it cannot produce one), so deleteSession cannot end t.token.
        await check(req as Record<string, unknown>);
      }),
      { numRuns: NUM_RUNS * 2, endOnFailure: true },
    );
    await check(big.deepObj as Record<string, unknown>);
    // debug "max" echoes the request: a deep one is summarised, never stringified (found by this property).
    for (const depth of [40, 10_000]) {
      const r = await t.raw({ action: 'describeMqttAuthSettings', params: nested(depth), authToken: t.token, requestId: API, debug: 'MAX' });
      assert.equal(r.errorCode, depth > 100 ? ErrorCode.outOfLimits : ErrorCode.success, short(r));
      assert.match(String((r.debugInfo as { request: { params: unknown } }).request.params), /nested more than 32 levels, not shown/);
      assert.doesNotThrow(() => JSON.stringify(r));
    }
    // zod's JSON check of requestId recurses: a deep one is refused first (found by this property).
    for (const requestId of [nested(10_000, 1, true), nested(10_000)]) {
      const r = await t.raw({ action: 'pingSession', params: {}, authToken: t.token, requestId });
      assert.equal(r.errorCode, ErrorCode.outOfLimits, short(r));
      assert.match(r.errorMessage, /requestId.*nest more than 32 levels/);
      assert.equal(r.requestId, undefined);
    }
    for (const req of [null, undefined, 0, 'x', [], [{ action: 'pingSession' }], big.deepArr]) {
      const r = await t.raw(req);
      assert.equal(r.errorCode, ErrorCode.malformedJson, `${short(req)} → ${short(r)}`);
      assert.ok(r.errorMessage.length > 0);
    }
    await stillServing();
  });
});
