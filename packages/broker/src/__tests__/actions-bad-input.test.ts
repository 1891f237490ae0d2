/**
 * Bad input, action by action (DESIGN §4): a non-zero errorCode from the table in
 * packages/contracts/src/errors.ts, an errorMessage that names the property, errorData.property
 * set, and nothing changed — every session described before and after is deepEqual, the list
 * counts are unchanged and the MQTT client is still connected. Unknown params are ignored with a
 * warning in debugInfo.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { ErrorCode } from '@mqdash/contracts';
import { ADMIN_PASSWORD, permanent5, startTestBroker, waitFor, type Res, type TestBroker } from './api-helpers.ts';

const ROBOT = 'line-4/robot-1';
const PARKED = 'line-4/robot-2';
const API = 'billing-api';

/** 65,551 bytes of UTF-8 in 32,776 characters: over the 65,550-byte limit only when bytes are counted. */
const tooLongName = 'é'.repeat(32775) + 'x';
const knownCodes = new Set<number>(Object.values(ErrorCode));

describe('bad input is refused with a precise error and changes nothing', () => {
  let t: TestBroker;
  let robot: MqttClient;

  /** Everything a bad request could have changed. */
  async function snapshot() {
    const describeAll = await t.ok('describeMqSessions', { clientNames: [ROBOT, PARKED, API] });
    const all = await t.listAll();
    const visible = await t.ok('listMqSessions', {});
    return { sessions: describeAll.data, allCount: all.totalCount, allNames: all.data.map((r: { clientName: string }) => r.clientName), visibleCount: visible.totalCount };
  }

  /**
   * Sends `request` (with the admin's authToken unless it has its own) and checks the refusal:
   * the code, errorData.property, the property named in errorMessage, no result, and no change.
   */
  async function refused(request: unknown, errorCode: number, property: string | null): Promise<Res> {
    const before = await snapshot();
    const isObject = request !== null && typeof request === 'object' && !Array.isArray(request);
    const r = await t.raw(isObject ? { authToken: t.token, ...request } : request);
    assert.equal(r.errorCode, errorCode, `expected ${errorCode}, got ${JSON.stringify(r).slice(0, 400)}`);
    assert.ok(knownCodes.has(r.errorCode), `${r.errorCode} is in the error table`);
    assert.deepEqual(r.result, {}, 'a refused action answers result {} (issue 9: FairCom always sends result)');
    assert.equal(typeof r.errorMessage, 'string');
    assert.ok(r.errorMessage.length > 0, 'errorMessage says what was wrong');
    if (property !== null) {
      assert.equal(r.errorData?.property, property, `errorData.property of ${r.errorMessage}`);
      assert.ok(r.errorMessage.includes(property), `errorMessage names ${property}: ${r.errorMessage.slice(0, 300)}`);
    }
    const after = await snapshot();
    assert.deepEqual(after, before, 'a refused request changed something');
    assert.equal(robot.connected, true, 'the MQTT client is still connected');
    return r;
  }

  const act = (action: string, params: unknown, extra: Record<string, unknown> = {}) => ({ action, params, ...extra });

  before(async () => {
    t = await startTestBroker();
    robot = await t.connect(ROBOT, { ...permanent5, username: 'robots' });
    await robot.subscribeAsync('line-4/robot-1/cmd/#', { qos: 1 });
    const parked = await t.connect(PARKED, { ...permanent5 });
    await parked.endAsync();
    await t.ok('createMqApiSession', { clientName: API, label: { group: 'systems/', name: 'billing' }, maxHealthySendRatePerMinute: 100 });
    await t.ok('alterMqSession', { clientName: ROBOT, label: { group: 'site/', name: 'line 4' }, minHealthySubscribedTopicFiltersCount: 1 });
    await waitFor(async () => (await t.describe(ROBOT)).subscriberCount === 1 && (await t.describe(PARKED)).connectionStatus === 'disconnected', 'fleet ready');
  });
  after(() => t.close());

  describe('envelope and authentication', () => {
    test('an envelope that is not a JSON object → 14000', async () => {
      for (const env of [null, [], ['listMqSessions'], 'listMqSessions', 42, true]) {
        const r = await refused(env, 14000, null);
        assert.match(r.errorMessage, /JSON object/);
      }
    });

    test('action missing, of the wrong type, or unknown → 14001 / 14002 / 14005', async () => {
      await refused({ params: {} }, 14001, 'action');
      await refused({ action: 42, params: {} }, 14002, 'action');
      const r = await refused({ action: 'dropAllSessions', params: {}, requestId: 'r-unknown' }, 14005, 'action');
      assert.match(r.errorMessage, /dropAllSessions/);
      assert.equal(r.requestId, 'r-unknown', 'requestId is echoed on errors');
      await refused({ action: 'listmqsessions', params: {} }, 14005, 'action');
    });

    test('other envelope properties of the wrong type or out of limits', async () => {
      await refused(act('listMqSessions', []), 14002, 'params');
      await refused(act('listMqSessions', 'partialClientName=a'), 14002, 'params');
      const r = await refused(act('listMqSessions', {}, { debug: 'verbose', requestId: 'r-debug' }), 14003, 'debug');
      assert.equal(r.requestId, 'r-debug', 'requestId is echoed even when another envelope property is wrong');
      // Issue 9: any JSON value is a requestId (FairCom echoes it); only its size is limited.
      const echoed = await t.raw({ ...act('listMqSessions', {}, { requestId: { id: 1, tags: ['a'] } }), authToken: t.token });
      assert.equal(echoed.errorCode, 0, echoed.errorMessage);
      assert.deepEqual(echoed.requestId, { id: 1, tags: ['a'] });
      await refused(act('listMqSessions', {}, { requestId: 'r'.repeat(1025) }), 14003, 'requestId');
      await refused(act('listMqSessions', {}, { authToken: 12345 }), 14002, 'authToken');
    });

    test('missing, forged or ended authToken → 12031, checked before params', async () => {
      await refused({ action: 'listMqSessions', params: {}, authToken: undefined }, 12031, 'authToken');
      await refused({ action: 'listMqSessions', params: {}, authToken: '' }, 12031, 'authToken');
      await refused({ action: 'listMqSessions', params: {}, authToken: randomBytes(48).toString('base64url') }, 12031, 'authToken');
      await refused({ action: 'listMqSessions', params: {}, authToken: `${t.token.slice(0, -1)}${t.token.endsWith('A') ? 'B' : 'A'}` }, 12031, 'authToken');
      const forged = await refused(
        { action: 'alterMqSession', params: { clientName: ROBOT, sessionStatus: 'banned' }, authToken: 'forged-token', requestId: 9 },
        12031, 'authToken',
      );
      assert.equal(forged.requestId, 9);
      assert.equal(forged.authToken, undefined, 'a bad authToken is not echoed');
      // An invalid param is not even looked at without a valid authToken.
      await refused({ action: 'alterMqSession', params: { clientName: ROBOT, receiveMaximum: 0 }, authToken: 'forged-token' }, 12031, 'authToken');
      await refused({ action: 'createMqApiSession', params: { clientName: 'sneaky' } , authToken: undefined }, 12031, 'authToken');

      const login = await t.raw({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } });
      await t.raw({ action: 'deleteSession', params: {}, authToken: login.authToken });
      await refused({ action: 'createMqApiSession', params: { clientName: 'late' }, authToken: login.authToken }, 12031, 'authToken');
    });

    test('createSession: wrong password or unknown user → 14011 (same answer); bad params → 1400x', async () => {
      const wrong = await refused({ action: 'createSession', params: { username: 'admin', password: 'wrong' }, authToken: undefined }, 14011, 'params.password');
      const nobody = await refused({ action: 'createSession', params: { username: 'mallory', password: 'wrong' }, authToken: undefined }, 14011, 'params.password');
      assert.equal(wrong.errorMessage, nobody.errorMessage, 'the answer does not tell which usernames exist');
      assert.equal(wrong.authToken, undefined);
      await refused({ action: 'createSession', params: { username: 'admin' }, authToken: undefined }, 14001, 'params.password');
      await refused({ action: 'createSession', params: { username: 'admin', password: 42 }, authToken: undefined }, 14002, 'params.password');
      await refused({ action: 'createSession', params: { username: '', password: 'x' }, authToken: undefined }, 14003, 'params.username');
      await refused({ action: 'createSession', params: { username: 'a'.repeat(65), password: 'x' }, authToken: undefined }, 14003, 'params.username');
    });
  });

  describe('listMqSessions', () => {
    test('mutually exclusive pairs → 14004', async () => {
      const r = await refused(act('listMqSessions', { sortAscending: 'clientName', sortDescending: 'lastConnect' }), 14004, 'params.sortDescending');
      assert.match(r.errorMessage, /sortAscending/);
      const labelId = (await t.describe(ROBOT)).label!.id;
      const l = await refused(act('listMqSessions', { label: { group: 'site/', name: 'line 4' }, labelId }), 14004, 'params.labelId');
      assert.match(l.errorMessage, /"label"/);
    });

    test('unknown enum values → 14003', async () => {
      await refused(act('listMqSessions', { connectionStatusFilter: ['online'] }), 14003, 'params.connectionStatusFilter[0]');
      await refused(act('listMqSessions', { connectionStatusFilter: ['connected', 'Connected'] }), 14003, 'params.connectionStatusFilter[1]');
      await refused(act('listMqSessions', { sessionStatusFilter: ['deleted'] }), 14003, 'params.sessionStatusFilter[0]');
      await refused(act('listMqSessions', { sessionTypeFilter: ['both'] }), 14003, 'params.sessionTypeFilter[0]');
      await refused(act('listMqSessions', { healthFilter: ['sick'] }), 14003, 'params.healthFilter[0]');
      await refused(act('listMqSessions', { sortAscending: 'createdAt' }), 14003, 'params.sortAscending');
      await refused(act('listMqSessions', { sortDescending: 'lastConnect|clientName' }), 14003, 'params.sortDescending');
    });

    test('wrong JSON types → 14002', async () => {
      await refused(act('listMqSessions', { connectionStatusFilter: 'connected' }), 14002, 'params.connectionStatusFilter');
      await refused(act('listMqSessions', { connectionStatusFilter: [1] }), 14002, 'params.connectionStatusFilter[0]');
      await refused(act('listMqSessions', { partialClientName: 42 }), 14002, 'params.partialClientName');
      await refused(act('listMqSessions', { unsetHealthMeasures: 'false' }), 14002, 'params.unsetHealthMeasures');
      // Seed 000 shows sortDescending as a Boolean in one place; DESIGN §3 takes the sort key.
      await refused(act('listMqSessions', { sortDescending: true }), 14002, 'params.sortDescending');
      await refused(act('listMqSessions', { labelId: '7' }), 14002, 'params.labelId');
      await refused(act('listMqSessions', { labelId: 1.5 }), 14002, 'params.labelId');
      await refused(act('listMqSessions', { label: 'site/line 4' }), 14002, 'params.label');
      await refused(act('listMqSessions', { skipRecords: '10' }), 14002, 'params.skipRecords');
    });

    test('out of limits → 14003', async () => {
      await refused(act('listMqSessions', { labelId: -1 }), 14003, 'params.labelId');
      await refused(act('listMqSessions', { labelId: 4294967297 }), 14003, 'params.labelId');
      await refused(act('listMqSessions', { label: { group: 'site/', name: '' } }), 14003, 'params.label.name');
      await refused(act('listMqSessions', { label: { group: 'site/', name: 'n'.repeat(65) } }), 14003, 'params.label.name');
      await refused(act('listMqSessions', { label: { group: 'g'.repeat(65), name: 'line 4' } }), 14003, 'params.label.group');
      await refused(act('listMqSessions', { label: { group: 'site/' } }), 14001, 'params.label.name');
      await refused(act('listMqSessions', { skipRecords: -1 }), 14003, 'params.skipRecords');
      await refused(act('listMqSessions', { maxRecords: -2 }), 14003, 'params.maxRecords');
      await refused(act('listMqSessions', { partialClientName: tooLongName }), 14003, 'params.partialClientName');
    });

    test('limits are inclusive: 64-byte label names and the labelId bounds are accepted', async () => {
      const ok = await t.run('listMqSessions', { label: { group: 'g'.repeat(64), name: 'ü'.repeat(32) } });
      assert.equal(ok.errorCode, 0, ok.errorMessage);
      // Both bounds pass validation; no label has those ids, which is its own error (14012 unknownLabel).
      assert.equal((await t.run('listMqSessions', { labelId: 0 })).errorCode, 14012);
      assert.equal((await t.run('listMqSessions', { labelId: 4294967296 })).errorCode, 14012);
      const label = await t.run('createLabel', { group: 'bounds', name: 'inclusive' });
      assert.equal((await t.run('listMqSessions', { labelId: label.result.id })).errorCode, 0);
    });
  });

  describe('describeMqSessions', () => {
    test('wrong types, out of limits, unknown sessions', async () => {
      await refused(act('describeMqSessions', { clientNames: ROBOT }), 14002, 'params.clientNames');
      await refused(act('describeMqSessions', { clientNames: [42] }), 14002, 'params.clientNames[0]');
      await refused(act('describeMqSessions', { clientNames: [ROBOT], includeStats: 'yes' }), 14002, 'params.includeStats');
      await refused(act('describeMqSessions', { clientNames: [ROBOT], includeSubscribedTopics: 1 }), 14002, 'params.includeSubscribedTopics');
      await refused(act('describeMqSessions', { clientNames: [tooLongName] }), 14003, 'params.clientNames[0]');
      const r = await refused(act('describeMqSessions', { clientNames: ['no-such-robot'] }), 14006, 'params.clientNames');
      assert.match(r.errorMessage, /no-such-robot/);
    });

    test('some names unknown: the known ones are described, the others named in a warning', async () => {
      const r = await t.run('describeMqSessions', { clientNames: [ROBOT, 'no-such-robot'] });
      assert.equal(r.errorCode, 0, r.errorMessage);
      assert.deepEqual(r.result.data.map((d: { clientName: string }) => d.clientName), [ROBOT]);
      assert.ok(r.debugInfo?.warnings?.some((w) => w.message.includes('no-such-robot')), JSON.stringify(r.debugInfo));
    });
  });

  describe('alterMqSession', () => {
    test('missing clientName → 14001 (even with valid settings beside it)', async () => {
      await refused(act('alterMqSession', {}), 14001, 'params.clientName');
      await refused(act('alterMqSession', { keepAliveSeconds: 30, sessionStatus: 'banned' }), 14001, 'params.clientName');
      await refused(act('alterMqSession', { clientName: null, sessionStatus: 'banned' }), 14001, 'params.clientName');
    });

    test('unknown session → 14006, and no session is created', async () => {
      const r = await refused(act('alterMqSession', { clientName: 'line-4/robot-9', sessionStatus: 'banned' }), 14006, 'params.clientName');
      assert.match(r.errorMessage, /line-4\/robot-9/);
      assert.equal(r.errorData?.value, 'line-4/robot-9');
      // The clientName limit is inclusive: 65,550 bytes is valid, just unknown.
      await refused(act('alterMqSession', { clientName: 'x'.repeat(65550), keepAliveSeconds: 5 }), 14006, 'params.clientName');
    });

    test('clientName over 65,550 bytes → 14003', async () => {
      const r = await refused(act('alterMqSession', { clientName: tooLongName, keepAliveSeconds: 5 }), 14003, 'params.clientName');
      assert.match(r.errorMessage, /65550 bytes/);
      assert.ok(JSON.stringify(r).length < 5000, 'the error does not echo a huge value back');
    });

    test('MQTT 5 limits out of range → 14003', async () => {
      for (const [property, value] of [
        ['receiveMaximum', 0], ['receiveMaximum', 65536], ['receiveMaximum', -1],
        ['topicAliasMaximum', 70000], ['topicAliasMaximum', 65536], ['topicAliasMaximum', -1],
        ['maximumPacketSize', 0],
        ['sessionExpiryInterval', 4294967297], ['sessionExpiryInterval', -1],
        ['keepAliveSeconds', -1], ['willQoS', 3],
        ['minHealthySendRatePerMinute', -1], ['maxHealthySubscribedTopicFiltersCount', -0.5],
      ] as const) {
        for (const clientName of [ROBOT, API])
          await refused(act('alterMqSession', { clientName, [property]: value }), 14003, `params.${property}`);
      }
    });

    test('unknown enum values → 14003', async () => {
      await refused(act('alterMqSession', { clientName: ROBOT, sessionStatus: 'deleted' }), 14003, 'params.sessionStatus');
      await refused(act('alterMqSession', { clientName: ROBOT, sessionStatus: 'normal | hidden | banned | inactive' }), 14003, 'params.sessionStatus');
      await refused(act('alterMqSession', { clientName: ROBOT, mqttPayloadType: 'png' }), 14003, 'params.mqttPayloadType');
      await refused(act('alterMqSession', { clientName: ROBOT, willPayloadFormatIndicator: 'utf16' }), 14003, 'params.willPayloadFormatIndicator');
    });

    test('wrong JSON types → 14002', async () => {
      for (const [property, value] of [
        ['keepAliveSeconds', '60'], ['keepAliveSeconds', 1.5], ['receiveMaximum', true],
        ['temporarySession', 'yes'], ['cleanSession', 0], ['requestProblemInformation', 'true'],
        ['userProperties', { key: 'k', value: 'v' }], ['willUserProperties', 'severity=high'],
        ['willRetain', 'false'], ['willTopic', 7], ['label', 'site/line 4'],
        ['minHealthySendRatePerMinute', 'ten'], ['sessionStatus', 1], ['mqttPayloadType', false],
      ] as const)
        await refused(act('alterMqSession', { clientName: ROBOT, [property]: value }), 14002, `params.${property}`);
      await refused(act('alterMqSession', { clientName: 42 }), 14002, 'params.clientName');
      await refused(act('alterMqSession', { clientName: ROBOT, userProperties: [{ key: 'k', value: 5 }] }), 14002, 'params.userProperties[0].value');
    });

    test('label.name empty or over 64 bytes, label.group over 64 bytes, key-value keys → 14003', async () => {
      await refused(act('alterMqSession', { clientName: ROBOT, label: { group: 'site/', name: '' } }), 14003, 'params.label.name');
      await refused(act('alterMqSession', { clientName: ROBOT, label: { group: 'site/', name: 'n'.repeat(65) } }), 14003, 'params.label.name');
      // 33 characters, 66 bytes: the limit is in bytes.
      await refused(act('alterMqSession', { clientName: API, label: { name: 'é'.repeat(33) } }), 14003, 'params.label.name');
      await refused(act('alterMqSession', { clientName: ROBOT, label: { group: 'g'.repeat(65), name: 'ok' } }), 14003, 'params.label.group');
      await refused(act('alterMqSession', { clientName: ROBOT, label: {} }), 14001, 'params.label.name');
      await refused(act('alterMqSession', { clientName: ROBOT, userProperties: [{ key: '', value: 'v' }] }), 14003, 'params.userProperties[0].key');
      await refused(act('alterMqSession', { clientName: ROBOT, willUserProperties: [{ key: 'k'.repeat(129), value: 'v' }] }), 14003, 'params.willUserProperties[0].key');
      await refused(act('alterMqSession', { clientName: ROBOT, willCorrelationData: 'c'.repeat(65500) }), 14003, 'params.willCorrelationData');
      await refused(act('alterMqSession', { clientName: ROBOT, metadata: { blob: 'm'.repeat(65500) } }), 14003, 'params.metadata');
    });

    test('cleanSession and temporarySession with opposite values → 14004', async () => {
      const r = await refused(act('alterMqSession', { clientName: ROBOT, cleanSession: true, temporarySession: false }), 14004, 'params.temporarySession');
      assert.match(r.errorMessage, /cleanSession/);
      await refused(act('alterMqSession', { clientName: API, cleanSession: false, temporarySession: true, keepAliveSeconds: 9 }), 14004, 'params.temporarySession');
    });

    test('one bad property refuses the whole alter: the valid ones beside it are not applied', async () => {
      await refused(act('alterMqSession', {
        clientName: ROBOT, sessionStatus: 'banned', keepAliveSeconds: 30, label: { group: 'site/', name: 'quarantine' },
        willTopic: 'line-4/robot-1/gone', maxHealthySendRatePerMinute: 5, receiveMaximum: 0,
      }), 14003, 'params.receiveMaximum');
      await refused(act('alterMqSession', { clientName: API, sessionStatus: 'hidden', metadata: { a: 1 }, topicAliasMaximum: 70000 }), 14003, 'params.topicAliasMaximum');
      const labels = await t.ok('listMqSessions', { label: { group: 'site/', name: 'quarantine' } });
      assert.equal(labels.totalCount, 0);
    });
  });

  describe('createMqApiSession', () => {
    test('a name already in use (MQTT or MQ API) → 14007, nothing created or changed', async () => {
      for (const clientName of [ROBOT, PARKED, API])
        await refused(act('createMqApiSession', { clientName, sessionStatus: 'hidden', metadata: { hijack: true } }), 14007, 'params.clientName');
    });

    test('out of limits, wrong types and contradictions → nothing created', async () => {
      await refused(act('createMqApiSession', { clientName: 'new-1', receiveMaximum: 0 }), 14003, 'params.receiveMaximum');
      await refused(act('createMqApiSession', { clientName: 'new-1', receiveMaximum: 65536 }), 14003, 'params.receiveMaximum');
      await refused(act('createMqApiSession', { clientName: 'new-1', topicAliasMaximum: 70000 }), 14003, 'params.topicAliasMaximum');
      await refused(act('createMqApiSession', { clientName: 'new-1', sessionExpiryInterval: 4294967297 }), 14003, 'params.sessionExpiryInterval');
      await refused(act('createMqApiSession', { clientName: tooLongName }), 14003, 'params.clientName');
      await refused(act('createMqApiSession', { clientName: 'new-1', mqttProtocol: '3.1' }), 14003, 'params.mqttProtocol');
      await refused(act('createMqApiSession', { clientName: 'new-1', mqttProtocol: '5.0 | 3.1.1' }), 14003, 'params.mqttProtocol');
      await refused(act('createMqApiSession', { clientName: 'new-1', mqttProtocol: 5 }), 14002, 'params.mqttProtocol');
      await refused(act('createMqApiSession', { clientName: 'new-1', sessionStatus: 'archived' }), 14003, 'params.sessionStatus');
      await refused(act('createMqApiSession', { clientName: 'new-1', label: { group: 'x', name: '' } }), 14003, 'params.label.name');
      await refused(act('createMqApiSession', { clientName: 'new-1', label: { name: 'n'.repeat(65) } }), 14003, 'params.label.name');
      await refused(act('createMqApiSession', { clientName: 42 }), 14002, 'params.clientName');
      await refused(act('createMqApiSession', { clientName: 'new-1', keepAliveSeconds: '60' }), 14002, 'params.keepAliveSeconds');
      await refused(act('createMqApiSession', { clientName: 'new-1', cleanSession: true, temporarySession: false }), 14004, 'params.temporarySession');
      // The seed's maximal example as printed (cleanSession true, temporarySession false) contradicts itself.
      await refused(act('createMqApiSession', { clientName: 'new-1', cleanSession: true, temporarySession: false, sessionExpiryInterval: 4294967296 }), 14004, 'params.temporarySession');
      // No label was created by the refused requests either.
      const labels = await t.ok('listMqSessions', { label: { group: 'x', name: 'n' } });
      assert.equal(labels.totalCount, 0);
    });
  });

  describe('deleteMqSession and disconnectMqSession', () => {
    test('missing, wrong type, unknown', async () => {
      for (const action of ['deleteMqSession', 'disconnectMqSession']) {
        await refused(act(action, {}), 14001, 'params.clientName');
        await refused(act(action, { clientName: ['x'] }), 14002, 'params.clientName');
        await refused(act(action, { clientName: 'no-such-robot' }), 14006, 'params.clientName');
        await refused(act(action, { clientName: tooLongName }), 14003, 'params.clientName');
      }
      await refused(act('deleteMqSession', { clientName: ROBOT, permanentlyDeleteSession: 'yes' }), 14002, 'params.permanentlyDeleteSession');
    });
  });

  describe('unknown params are ignored with a warning', () => {
    test('listMqSessions: same answer, plus debugInfo.warnings', async () => {
      const plain = await t.run('listMqSessions', { partialClientName: 'line-4/' });
      const extra = await t.run('listMqSessions', { partialClientName: 'line-4/', colour: 'red', sortBy: 'clientName' });
      assert.equal(extra.errorCode, 0, extra.errorMessage);
      assert.deepEqual(extra.result, plain.result);
      const warnings = extra.debugInfo?.warnings ?? [];
      assert.ok(warnings.some((w) => w.message.includes('params.colour')), JSON.stringify(warnings));
      assert.ok(warnings.some((w) => w.message.includes('params.sortBy')), JSON.stringify(warnings));
      assert.equal(plain.debugInfo, undefined);
    });

    test('alterMqSession: the known properties apply, the unknown ones (labelId included) are not stored', async () => {
      const before = await t.describe(ROBOT);
      const r = await t.run('alterMqSession', { clientName: ROBOT, keepAliveSeconds: 45, shoeSize: 42, labelId: 3 });
      assert.equal(r.errorCode, 0, r.errorMessage);
      assert.ok(r.debugInfo?.warnings?.some((w) => w.message.includes('params.shoeSize')));
      assert.ok(r.debugInfo?.warnings?.some((w) => w.message.includes('params.labelId')), 'alterMqSession takes label, not labelId');
      const after = await t.describe(ROBOT);
      assert.equal(after.keepAliveSeconds, 45);
      assert.ok(!('shoeSize' in after));
      assert.deepEqual(after.label, before.label);
      assert.deepEqual({ ...after, keepAliveSeconds: before.keepAliveSeconds }, before, 'nothing else changed');
    });

    test('unknown envelope properties get a warning too', async () => {
      const r = await t.run('pingSession', {}, { cleanSession: false, database: 'faircom' });
      assert.equal(r.errorCode, 0, r.errorMessage);
      const warnings = r.debugInfo?.warnings ?? [];
      assert.ok(warnings.some((w) => w.message.includes('cleanSession')) && warnings.some((w) => w.message.includes('database')), JSON.stringify(warnings));
    });
  });
});
