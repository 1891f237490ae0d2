/**
 * The seeds' request examples (shared/seeds/000–003), minimal and maximal, run against a real
 * broker: placeholders replaced by real values (a real authToken, real client names) and one side
 * of each mutually exclusive pair dropped. Each must answer errorCode 0 with the seeds' response
 * shapes. Also the session actions createSession / pingSession / deleteSession.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { assertIsoTimestamp, assertType, permanent4, permanent5, startTestBroker, waitFor, type TestBroker } from './api-helpers.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const statuses = ['normal', 'hidden', 'banned', 'inactive'];
const connectionStatuses = ['disconnected', 'connected', 'connectedTemporarily'];

/** Seed 001's stats object, every field. */
const statsFields = [
  'minHealthySendRatePerMinute', 'maxHealthySendRatePerMinute', 'maxHealthyBacklogRatePerMinute',
  'minHealthySubscribedTopicFiltersCount', 'maxHealthySubscribedTopicFiltersCount',
  'totalMessagesPublished', 'publishRatePerMinute', 'publishRatePerMinuteLast10Minutes', 'publishRatePerMinuteInSession',
  'publishRatePerHour', 'totalMessagesReceived', 'receiveMessagesPerMinute', 'receiveMessagesPerMinuteLast10Minutes',
  'receiveMessagesPerMinuteSinceInSession', 'receiveMessagesPerHour', 'currentDeliveryBacklogged',
  'deliveryBacklogRatePerMinute', 'deliveryBacklogRatePerMinuteLast10Minutes', 'deliveryBacklogRatePerMinuteInSession',
  'deliveryBacklogRatePerHour', 'deliveryBacklogRatePerDay',
] as const;

/** The properties every session shows in seeds 001/002/003's response examples. */
function assertSessionCore(s: Obj, where: string): void {
  assertType(s, 'clientName', 'string', where);
  assertType(s, 'sessionStatus', 'string', where);
  assert.ok(statuses.includes(s.sessionStatus), `${where}sessionStatus ${s.sessionStatus}`);
  assertType(s, 'keepAliveSeconds', 'number', where);
  assert.ok(Number.isInteger(s.keepAliveSeconds));
  assertType(s, 'connectionStatus', 'string', where);
  assert.ok(connectionStatuses.includes(s.connectionStatus), `${where}connectionStatus ${s.connectionStatus}`);
  assertType(s, 'defaultBinaryFormat', 'string', where);
  assert.ok(['base64', 'hex', 'byteArray'].includes(s.defaultBinaryFormat));
  assertType(s, 'defaultVariantFormat', 'string', where);
  assert.ok(['json', 'binary', 'string', 'variantObject'].includes(s.defaultVariantFormat));
  assertType(s, 'defaultResponseOptions', 'object', where);
  for (const k of ['binaryFormat', 'variantFormat', 'dataFormat', 'numberFormat']) assertType(s.defaultResponseOptions, k, 'string', `${where}defaultResponseOptions.`);
  assertType(s, 'sessionType', 'string', where);
  assert.ok(['mqtt', 'mqApi', 'both'].includes(s.sessionType));
  assertType(s, 'willTopic', 'string', where);
  assertType(s, 'willQoS', 'number', where);
  assert.equal(s.willQoS, 2, `${where}willQoS is reserved: always 2`);
  assert.ok('willPayload' in s, `${where}willPayload is missing`);
  assertType(s, 'willRetain', 'boolean', where);
  assert.ok('metadata' in s, `${where}metadata is missing`);
  assertType(s, 'username', 'string', where);
  if ('mqttProtocol' in s) assert.ok(['3.1.1', '5.0'].includes(s.mqttProtocol), `${where}mqttProtocol ${s.mqttProtocol}`);
}

/** Connection facts seed 001 shows for a connected session. */
function assertConnectionFacts(s: Obj, where: string): void {
  assertType(s, 'ipaddress', 'string', where);
  assert.match(s.ipaddress, /^\d+\.\d+\.\d+\.\d+$|:/);
  assertType(s, 'port', 'number', where);
  assert.ok(Number.isInteger(s.port) && s.port > 0 && s.port < 65536);
  assertType(s, 'mqttProtocol', 'string', where);
  assertIsoTimestamp(s.connectionDateTime, `${where}connectionDateTime`);
}

/** Everything seed 001's describe response example shows. */
function assertDescribed(s: Obj, where: string): void {
  assertSessionCore(s, where);
  assertType(s, 'cleanSession', 'boolean', where);
  assertType(s, 'temporarySession', 'boolean', where);
  assert.equal(s.cleanSession, s.temporarySession, `${where}cleanSession and temporarySession mean the same`);
  assertType(s, 'subscriberCount', 'number', where);
  assertType(s, 'subscribedTopics', 'array', where);
  assertType(s, 'publishedTopics', 'array', where);
  assertType(s, 'stats', 'object', where);
  for (const k of statsFields) assertType(s.stats, k, 'number', `${where}stats.`);
  assertType(s.stats, 'sessionHealth', 'string', `${where}stats.`);
  assert.ok(['healthy', 'unhealthy', 'offline'].includes(s.stats.sessionHealth));
}

describe('seed request examples answer errorCode 0 with the seeds\' response shapes', () => {
  let t: TestBroker;
  let press: MqttClient;
  let legacy: MqttClient;

  before(async () => {
    t = await startTestBroker();
    press = await t.connect('plant-7/press-3', {
      ...permanent5, username: 'line-operator', password: 'pw',
      will: { topic: 'plant-7/press-3/status', payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    await press.subscribeAsync('plant-7/press-3/cmd/#', { qos: 1 });
    await press.publishAsync('plant-7/press-3/temperature', '71.5', { qos: 1 });
    legacy = await t.connect('plant-7/scale-1', { ...permanent4, username: 'scale' });
    await waitFor(async () => (await t.describe('plant-7/press-3')).subscriberCount === 1, 'subscription recorded');
  });
  after(() => t.close());

  describe('createSession / pingSession / deleteSession', () => {
    test('createSession returns an authToken; pingSession keeps it; deleteSession ends it (12031 afterwards)', async () => {
      const login = await t.raw({ api: 'admin', action: 'createSession', params: { username: 'admin', password: 'correct horse battery staple' }, requestId: 'login-1' });
      assert.equal(login.errorCode, 0, login.errorMessage);
      assert.equal(login.errorMessage, '');
      assert.equal(login.requestId, 'login-1');
      assert.equal(typeof login.authToken, 'string');
      assert.ok(login.authToken!.length >= 32, 'authToken is long enough not to be guessed');
      assert.notEqual(login.authToken, t.token, 'each login gets its own authToken');
      assert.equal(login.result.username, 'admin');
      assert.ok(Number.isInteger(login.result.expiresInSeconds) && login.result.expiresInSeconds > 0);
      const token = login.authToken!;

      const ping = await t.raw({ action: 'pingSession', params: {}, authToken: token, requestId: 7 });
      assert.equal(ping.errorCode, 0, ping.errorMessage);
      assert.equal(ping.requestId, 7);
      assert.equal(ping.authToken, token);
      assert.equal(ping.result.username, 'admin');
      assert.ok(ping.result.expiresInSeconds > 0);

      // A temporary MQ API session ends with the authToken that created it (DESIGN §3).
      const created = await t.raw({ action: 'createMqApiSession', params: { clientName: 'ends-with-login', temporarySession: true }, authToken: token });
      assert.equal(created.errorCode, 0, created.errorMessage);

      const bye = await t.raw({ action: 'deleteSession', params: {}, authToken: token });
      assert.equal(bye.errorCode, 0, bye.errorMessage);
      assert.equal(bye.authToken, undefined, 'an ended authToken is not handed back');

      for (const action of ['pingSession', 'listMqSessions']) {
        const r = await t.raw({ action, params: {}, authToken: token });
        assert.equal(r.errorCode, 12031, `${action} with an ended authToken`);
        assert.equal(r.errorData?.property, 'authToken');
        assert.match(r.errorMessage, /authToken/);
      }
      // Issue 9 (FairCom's deleteSession page): ending an ended token succeeds, with a 12031 warning.
      const again = await t.raw({ action: 'deleteSession', params: {}, authToken: token });
      assert.equal(again.errorCode, 0, again.errorMessage);
      assert.equal(again.debugInfo?.warnings?.[0]?.code, 12031);
      const gone = await t.run('describeMqSessions', { clientNames: ['ends-with-login'] });
      assert.equal(gone.errorCode, 14006, 'the temporary MQ API session ended with its creator\'s authToken');
      // The other login is untouched.
      assert.equal((await t.run('pingSession')).errorCode, 0);
    });
  });

  describe('listMqSessions (seed 000)', () => {
    before(async () => {
      await t.ok('createMqApiSession', { clientName: 'erp-bridge' });
      await t.ok('alterMqSession', { clientName: 'plant-7/scale-1', label: { group: 'site/', name: 'plant 7 scales' } });
      await t.ok('createMqApiSession', { clientName: 'admin-probe', sessionStatus: 'hidden' });
    });

    test('minimal', async () => {
      const r = await t.raw({ action: 'listMqSessions', params: {}, authToken: t.token });
      assert.equal(r.errorCode, 0, r.errorMessage);
      assert.equal(r.authToken, t.token, 'the response carries the authToken, as in the seed');
      assertType(r.result, 'data', 'array');
      for (const row of r.result.data) {
        assertType(row, 'clientName', 'string', 'data[].');
        assertType(row, 'sessionType', 'string', 'data[].');
        assert.ok(['mqtt', 'mqApi', 'both'].includes(row.sessionType));
      }
      const names = r.result.data.map((d: Obj) => d.clientName);
      assert.deepEqual(names, ['erp-bridge', 'plant-7/press-3', 'plant-7/scale-1'], 'every session but hidden ones, by clientName');
      assert.deepEqual(r.result.data.map((d: Obj) => d.sessionType), ['mqApi', 'mqtt', 'mqtt']);
      assert.equal(r.result.totalCount, 3);
      assert.equal(r.debugInfo, undefined, 'no debugInfo unless asked for');
    });

    test('maximal with label (labelId dropped) and sortDescending (sortAscending dropped)', async () => {
      const r = await t.raw({
        api: 'mq',
        action: 'listMqSessions',
        params: {
          partialClientName: '',
          connectionStatusFilter: ['disconnected', 'connected', 'connectedTemporarily'],
          sessionStatusFilter: ['normal', 'banned', 'hidden', 'inactive'],
          sessionTypeFilter: ['mqtt', 'mqApi'],
          healthFilter: ['healthy', 'unhealthy', 'offline'],
          unsetHealthMeasures: true,
          sortDescending: 'clientName',
          label: { group: 'site/', name: 'plant 7 scales' },
        },
        apiVersion: '1.0',
        debug: 'max',
        requestId: 'list-max-1',
        authToken: t.token,
      });
      assert.equal(r.errorCode, 0, r.errorMessage);
      assert.equal(r.requestId, 'list-max-1');
      assert.equal(r.authToken, t.token);
      assert.deepEqual(r.result.data.map((d: Obj) => [d.clientName, d.sessionType]), [['plant-7/scale-1', 'mqtt']]);
      assert.equal(r.result.totalCount, 1);
      assertType(r, 'debugInfo', 'object');
      assert.equal(r.debugInfo!.warnings, undefined, 'the seed\'s own properties raise no warnings');
      assertType(r.debugInfo!, 'elapsedMilliseconds', 'number');
    });

    test('maximal with labelId (label dropped) and sortAscending (sortDescending dropped)', async () => {
      const labelId = (await t.describe('plant-7/scale-1')).label!.id;
      assert.ok(Number.isInteger(labelId));
      const r = await t.raw({
        api: 'mq',
        action: 'listMqSessions',
        params: {
          partialClientName: 'plant-7/',
          connectionStatusFilter: ['disconnected', 'connected', 'connectedTemporarily'],
          sessionStatusFilter: ['normal', 'banned', 'hidden', 'inactive'],
          sessionTypeFilter: ['mqtt', 'mqApi'],
          healthFilter: ['healthy', 'unhealthy', 'offline'],
          unsetHealthMeasures: true,
          sortAscending: 'lastConnect',
          labelId,
        },
        apiVersion: '1.0',
        debug: 'max',
        requestId: 'list-max-2',
        authToken: t.token,
      });
      assert.equal(r.errorCode, 0, r.errorMessage);
      assert.equal(r.requestId, 'list-max-2');
      assert.deepEqual(r.result.data.map((d: Obj) => d.clientName), ['plant-7/scale-1']);
      assertType(r, 'debugInfo', 'object');
    });

    test('maximal without a label: every filter value listed matches every session, hidden included', async () => {
      const r = await t.raw({
        api: 'mq',
        action: 'listMqSessions',
        params: {
          partialClientName: '',
          connectionStatusFilter: ['disconnected', 'connected', 'connectedTemporarily'],
          sessionStatusFilter: ['normal', 'banned', 'hidden', 'inactive'],
          sessionTypeFilter: ['mqtt', 'mqApi'],
          healthFilter: ['healthy', 'unhealthy', 'offline'],
          unsetHealthMeasures: true,
          sortAscending: 'clientName',
        },
        apiVersion: '1.0',
        debug: 'max',
        requestId: 'list-max-3',
        authToken: t.token,
      });
      assert.equal(r.errorCode, 0, r.errorMessage);
      assert.deepEqual(r.result.data.map((d: Obj) => d.clientName), ['admin-probe', 'erp-bridge', 'plant-7/press-3', 'plant-7/scale-1']);
    });
  });

  describe('describeMqSessions (seed 001)', () => {
    test('minimal: every property of the seed\'s response example, with its type', async () => {
      const r = await t.raw({ action: 'describeMqSessions', params: { clientNames: ['plant-7/press-3'] }, authToken: t.token });
      assert.equal(r.errorCode, 0, r.errorMessage);
      assert.equal(r.authToken, t.token);
      assert.equal(r.result.data.length, 1);
      const s = r.result.data[0];
      assertDescribed(s, 'data[0].');
      assertConnectionFacts(s, 'data[0].');
      assert.equal(s.clientName, 'plant-7/press-3');
      assert.equal(s.sessionType, 'mqtt');
      assert.equal(s.username, 'line-operator');
      assert.equal(s.ipaddress, '127.0.0.1');
      assert.equal(s.port, (press.stream as unknown as { localPort: number }).localPort, 'port is the client\'s own port');
      assert.equal(s.mqttProtocol, '5.0');
      assert.equal(s.connectionStatus, 'connected');
      assert.equal(s.cleanSession, false);
      assert.equal(s.temporarySession, false);
      assert.equal(s.sessionStatus, 'normal');
      assert.equal(s.willTopic, 'plant-7/press-3/status');
      assert.equal(s.willPayload, 'offline');
      assert.equal(s.willRetain, true);
      assert.equal(s.subscriberCount, 1);
      assert.deepEqual(s.subscribedTopics.map((x: Obj) => [x.topicFilter, x.qos]), [['plant-7/press-3/cmd/#', 1]]);
      assert.deepEqual(s.publishedTopics, ['plant-7/press-3/temperature']);
      assert.equal(s.stats.totalMessagesPublished, 1);
      assert.equal(s.stats.sessionHealth, 'healthy', 'connected with no threshold set');
      assert.deepEqual(s.metadata, {});
    });

    test('maximal: an MQTT 3.1.1 session and an MQ API session refused to an MQTT client (seed\'s client2)', async () => {
      const err = await t.connectRefused('erp-bridge', { protocolVersion: 5 });
      assert.equal(err.code, 0x85, 'an MQ API session\'s name refuses MQTT clients (DESIGN §3)');
      const r = await t.raw({
        api: 'mq',
        action: 'describeMqSessions',
        params: {
          clientNames: ['plant-7/scale-1', 'erp-bridge'],
          includeSubscribedTopics: true,
          includePublishedTopics: true,
          includeStats: true,
        },
        apiVersion: '1.0',
        debug: 'max',
        requestId: 'describe-max-1',
        authToken: t.token,
      });
      assert.equal(r.errorCode, 0, r.errorMessage);
      assert.equal(r.requestId, 'describe-max-1');
      assertType(r, 'debugInfo', 'object');
      assert.deepEqual(r.result.data.map((d: Obj) => d.clientName), ['plant-7/scale-1', 'erp-bridge'], 'in the order asked for');

      const [scale, api] = r.result.data;
      assertDescribed(scale, 'scale.');
      assertConnectionFacts(scale, 'scale.');
      assert.equal(scale.mqttProtocol, '3.1.1');
      assert.equal(scale.username, 'scale');
      assert.deepEqual(scale.label, { id: scale.label.id, group: 'site/', name: 'plant 7 scales' });

      assertDescribed(api, 'erp-bridge.');
      assert.equal(api.sessionType, 'mqApi');
      assert.equal(api.username, 'admin', 'an MQ API session belongs to the account that created it');
      assert.equal(api.connectionStatus, 'disconnected', 'never used since creation');
      assert.equal(api.stats.sessionHealth, 'offline');
      assertIsoTimestamp(api.lastFailedConnectDateTime, 'lastFailedConnectDateTime');
      assert.equal(api.lastFailedConnectReason, 'API session is already in use');
    });

    test('include* false leaves out stats, subscribedTopics and publishedTopics', async () => {
      const r = await t.ok('describeMqSessions', { clientNames: ['plant-7/press-3'], includeSubscribedTopics: false, includePublishedTopics: false, includeStats: false });
      const s = r.data[0];
      assert.equal(s.stats, undefined);
      assert.equal(s.subscribedTopics, undefined);
      assert.equal(s.publishedTopics, undefined);
      assert.equal(s.subscriberCount, 1, 'subscriberCount is not one of the optional parts');
    });
  });

  describe('alterMqSession (seed 002)', () => {
    test('minimal (clientName only) answers the seed\'s shape and changes nothing', async () => {
      const before = await t.describe('plant-7/scale-1');
      const r = await t.raw({ action: 'alterMqSession', params: { clientName: 'plant-7/scale-1' }, authToken: t.token });
      assert.equal(r.errorCode, 0, r.errorMessage);
      assertSessionCore(r.result, 'result.');
      assertConnectionFacts(r.result, 'result.');
      assert.equal(r.result.clientName, 'plant-7/scale-1');
      assert.deepEqual(await t.describe('plant-7/scale-1'), before);
      assert.equal(legacy.connected, true);
    });

    test('maximal on a connected MQTT session: applied, stored, never disconnects; CONNECT-time ones deferred', async () => {
      const clientPort = (press.stream as unknown as { localPort: number }).localPort;
      const r = await t.raw({
        api: 'mq',
        action: 'alterMqSession',
        // The seed puts cleanSession beside params; it is not a property of the envelope.
        cleanSession: false,
        params: {
          clientName: 'plant-7/press-3',
          temporarySession: false,
          sessionStatus: 'normal',
          keepAliveSeconds: 60,
          userProperties: [{ key: 'line', value: '7' }],
          mqttPayloadType: 'utf8',
          sessionExpiryInterval: 60,
          receiveMaximum: 1024,
          maximumPacketSize: 1024,
          topicAliasMaximum: 0,
          requestProblemInformation: true,
          requestResponseInformation: false,
          willTopic: 'plant-7/press-3/lastwill',
          willQoS: 2,
          willPayload: 'This message is sent when client disconnects.',
          willRetain: true,
          willContentType: 'text/plain',
          willCorrelationData: { ticket: 4711 },
          willPayloadFormatIndicator: 'utf8',
          willExpirySeconds: 60,
          willDelaySeconds: 60,
          willResponseTopic: 'plant-7/press-3/lastwill/ack',
          willUserProperties: [{ key: 'severity', value: 'high' }],
          label: { group: 'site/', name: 'plant 7 presses' },
          minHealthySendRatePerMinute: 10,
          maxHealthySendRatePerMinute: 1000,
          maxHealthyBacklogRatePerMinute: 10,
          minHealthySubscribedTopicFiltersCount: 10,
          maxHealthySubscribedTopicFiltersCount: 1000,
          metadata: {},
        },
        apiVersion: '1.0',
        debug: 'max',
        requestId: 'alter-max-1',
        authToken: t.token,
      });
      assert.equal(r.errorCode, 0, r.errorMessage);
      assert.equal(r.requestId, 'alter-max-1');
      assert.equal(r.authToken, t.token);
      const s = r.result;
      assertSessionCore(s, 'result.');
      assertConnectionFacts(s, 'result.');
      assert.equal(s.clientName, 'plant-7/press-3');
      assert.equal(s.sessionStatus, 'normal');
      assert.equal(s.username, 'line-operator');
      assert.equal(s.ipaddress, '127.0.0.1');
      assert.equal(s.port, clientPort);
      assert.equal(s.keepAliveSeconds, 60);
      assert.equal(s.connectionStatus, 'connected', 'alterMqSession never disconnects (seed 002)');
      assert.equal(s.sessionType, 'mqtt');
      assert.equal(s.willTopic, 'plant-7/press-3/lastwill');
      assert.equal(s.willQoS, 2);
      assert.equal(s.willPayload, 'This message is sent when client disconnects.');
      assert.equal(s.willRetain, true);
      assert.deepEqual(s.metadata, {});
      assertType(r, 'debugInfo', 'object');
      const deferred = r.debugInfo!.deferred as string[];
      assert.ok(Array.isArray(deferred), 'debugInfo says which properties wait for the next connection');
      for (const k of ['keepAliveSeconds', 'sessionExpiryInterval', 'receiveMaximum', 'maximumPacketSize'])
        assert.ok(deferred.includes(k), `${k} is fixed at CONNECT`);
      assert.ok(r.debugInfo!.warnings!.some((w) => /cleanSession/.test(w.message)), 'the seed\'s stray top-level cleanSession is ignored with a warning');

      await new Promise((res) => setTimeout(res, 100));
      assert.equal(press.connected, true, 'the client is still connected');
      const d = await t.describe('plant-7/press-3');
      assert.equal(d.connectionStatus, 'connected');
      assert.equal(d.port, clientPort, 'same connection');
      assert.equal(d.keepAliveSeconds, 60);
      assert.equal(d.sessionExpiryInterval, 60);
      assert.equal(d.temporarySession, false);
      assert.deepEqual(d.userProperties, [{ key: 'line', value: '7' }]);
      assert.equal(d.mqttPayloadType, 'utf8');
      assert.equal(d.receiveMaximum, 1024);
      assert.equal(d.maximumPacketSize, 1024);
      assert.equal(d.topicAliasMaximum, 0);
      assert.equal(d.requestProblemInformation, true);
      assert.equal(d.requestResponseInformation, false);
      assert.equal(d.willContentType, 'text/plain');
      assert.deepEqual(d.willCorrelationData, { ticket: 4711 });
      assert.equal(d.willPayloadFormatIndicator, 'utf8');
      assert.equal(d.willExpirySeconds, 60);
      assert.equal(d.willDelaySeconds, 60);
      assert.equal(d.willResponseTopic, 'plant-7/press-3/lastwill/ack');
      assert.deepEqual(d.willUserProperties, [{ key: 'severity', value: 'high' }]);
      assert.deepEqual({ group: d.label?.group, name: d.label?.name }, { group: 'site/', name: 'plant 7 presses' });
      assert.deepEqual(
        [d.stats!.minHealthySendRatePerMinute, d.stats!.maxHealthySendRatePerMinute, d.stats!.maxHealthyBacklogRatePerMinute,
          d.stats!.minHealthySubscribedTopicFiltersCount, d.stats!.maxHealthySubscribedTopicFiltersCount],
        [10, 1000, 10, 10, 1000],
      );
      assert.equal(d.stats!.sessionHealth, 'unhealthy', '1 subscribed topic filter is below the minimum of 10');
    });

    test('maximal on an MQ API session, cleanSession given inside params consistent with temporarySession', async () => {
      const r = await t.raw({
        api: 'mq',
        action: 'alterMqSession',
        params: {
          clientName: 'erp-bridge',
          cleanSession: true,
          temporarySession: true,
          sessionStatus: 'inactive',
          keepAliveSeconds: 30,
          userProperties: [{ key: 'system', value: 'erp' }],
          mqttPayloadType: 'json',
          receiveMaximum: 65535,
          maximumPacketSize: 268435455,
          topicAliasMaximum: 65535,
          requestProblemInformation: false,
          requestResponseInformation: true,
          willTopic: 'erp/bridge/gone',
          willQoS: 2,
          willPayload: { state: 'gone' },
          willRetain: false,
          willContentType: 'application/json',
          willCorrelationData: 'erp-1',
          willExpirySeconds: 120,
          willDelaySeconds: 5,
          willResponseTopic: 'erp/bridge/gone/ack',
          willUserProperties: [],
          label: { group: 'systems/', name: 'erp' },
          minHealthySendRatePerMinute: 0.1,
          maxHealthySendRatePerMinute: 600,
          maxHealthyBacklogRatePerMinute: 0.5,
          minHealthySubscribedTopicFiltersCount: 1,
          maxHealthySubscribedTopicFiltersCount: 20,
          metadata: { owner: 'finance', tags: ['erp', 'bridge'] },
        },
        apiVersion: '1.0',
        debug: 'max',
        requestId: 'alter-max-2',
        authToken: t.token,
      });
      assert.equal(r.errorCode, 0, r.errorMessage);
      assertSessionCore(r.result, 'result.');
      assert.equal(r.result.sessionType, 'mqApi');
      assert.equal(r.result.sessionStatus, 'inactive');
      assert.equal(r.result.keepAliveSeconds, 30);
      assert.deepEqual(r.result.willPayload, { state: 'gone' });
      assert.deepEqual(r.result.metadata, { owner: 'finance', tags: ['erp', 'bridge'] });
      assert.equal(r.debugInfo!.deferred, undefined, 'an MQ API session has no CONNECT to wait for');

      const d = await t.describe('erp-bridge');
      assert.equal(d.temporarySession, true);
      assert.equal(d.cleanSession, true);
      assert.equal(d.sessionExpiryInterval, 0, '[seed 002] temporarySession true defaults sessionExpiryInterval to 0');
      assert.equal(d.willPayloadFormatIndicator, 'utf8', '[seed 002] mqttPayloadType json implies a UTF-8 will payload');
      assert.equal(d.receiveMaximum, 65535);
      assert.equal(d.topicAliasMaximum, 65535);
      assert.equal(d.stats!.minHealthySendRatePerMinute, 0.1);
      assert.equal(d.stats!.maxHealthyBacklogRatePerMinute, 0.5);
      assert.deepEqual({ group: d.label?.group, name: d.label?.name }, { group: 'systems/', name: 'erp' });

      // Back to permanent: temporarySession false sets sessionExpiryInterval to 4294967296 (never).
      await t.ok('alterMqSession', { clientName: 'erp-bridge', temporarySession: false, cleanSession: false, sessionStatus: 'normal' });
      const back = await t.describe('erp-bridge');
      assert.equal(back.temporarySession, false);
      assert.equal(back.sessionExpiryInterval, 4294967296);
      assert.equal(back.keepAliveSeconds, 30, 'properties not given keep their values');
      assert.deepEqual(back.metadata, { owner: 'finance', tags: ['erp', 'bridge'] });
    });
  });

  describe('createMqApiSession (seed 003)', () => {
    /** Seed 003's response example, property by property. */
    function assertCreated(s: Obj): void {
      assertSessionCore(s, 'result.');
      assertType(s, 'cleanSession', 'boolean', 'result.');
      assertType(s, 'temporarySession', 'boolean', 'result.');
      assertType(s, 'mqttProtocol', 'string', 'result.');
      assertType(s, 'sessionPresent', 'boolean', 'result.');
      assert.equal(s.sessionPresent, false, 'a new session has no stored state');
      assert.equal(s.sessionType, 'mqApi');
      assert.equal(s.username, 'admin');
    }

    test('minimal: an empty params object gets a unique generated clientName and seed 003\'s defaults', async () => {
      const a = await t.raw({ action: 'createMqApiSession', params: {}, authToken: t.token });
      const b = await t.raw({ action: 'createMqApiSession', params: {}, authToken: t.token });
      assert.equal(a.errorCode, 0, a.errorMessage);
      assert.equal(b.errorCode, 0, b.errorMessage);
      assert.equal(a.authToken, t.token);
      assertCreated(a.result);
      assert.ok(a.result.clientName.length > 0);
      assert.notEqual(a.result.clientName, b.result.clientName);
      assert.equal(a.result.temporarySession, false);
      assert.equal(a.result.cleanSession, false);
      assert.equal(a.result.sessionStatus, 'normal');
      assert.equal(a.result.mqttProtocol, '5.0');
      assert.equal(a.result.keepAliveSeconds, 0);
      assert.equal(a.result.willTopic, '');
      assert.equal(a.result.willRetain, false);
      assert.deepEqual(a.result.metadata, {});
      const d = await t.describe(a.result.clientName);
      assert.equal(d.sessionExpiryInterval, 4294967296);
      assert.equal(d.receiveMaximum, 1024);
      assert.equal(d.maximumPacketSize, 1024);
      assert.equal(d.topicAliasMaximum, 0);
      assert.equal(d.requestProblemInformation, true);
      assert.equal(d.requestResponseInformation, false);
      assert.equal(d.mqttPayloadType, 'binary');
      assert.equal(d.willPayloadFormatIndicator, 'none');
      assert.equal(d.willExpirySeconds, 60);
      assert.equal(d.willDelaySeconds, 60);
      const listed = await t.ok('listMqSessions', { partialClientName: a.result.clientName });
      assert.deepEqual(listed.data.map((x: Obj) => x.sessionType), ['mqApi']);
    });

    test('maximal, permanent (cleanSession false = temporarySession false)', async () => {
      const r = await t.raw({
        api: 'mq',
        action: 'createMqApiSession',
        params: {
          clientName: 'mes-gateway',
          cleanSession: false,
          temporarySession: false,
          sessionStatus: 'normal',
          mqttProtocol: '5.0',
          keepAliveSeconds: 60,
          userProperties: [{ key: 'site', value: 'plant-7' }],
          mqttPayloadType: 'utf8',
          sessionExpiryInterval: 4294967296,
          receiveMaximum: 1024,
          maximumPacketSize: 1024,
          topicAliasMaximum: 0,
          requestProblemInformation: true,
          requestResponseInformation: false,
          willTopic: 'mes/gateway/status',
          willQoS: 2,
          willPayload: 'This message is sent when client disconnects.',
          willRetain: true,
          willContentType: 'text/plain',
          willCorrelationData: 'any JSON value up to 65500 bytes',
          willPayloadFormatIndicator: 'utf8',
          willExpirySeconds: 60,
          willDelaySeconds: 60,
          willResponseTopic: 'mes/gateway/status/ack',
          willUserProperties: [{ key: 'severity', value: 'low' }],
          label: { group: 'systems/', name: 'mes' },
          minHealthySendRatePerMinute: 10,
          maxHealthySendRatePerMinute: 1000,
          maxHealthyBacklogRatePerMinute: 10,
          minHealthySubscribedTopicFiltersCount: 10,
          maxHealthySubscribedTopicFiltersCount: 1000,
          metadata: {},
        },
        debug: 'max',
        requestId: 'create-max-1',
        authToken: t.token,
      });
      assert.equal(r.errorCode, 0, r.errorMessage);
      assert.equal(r.requestId, 'create-max-1');
      assertType(r, 'debugInfo', 'object');
      const s = r.result;
      assertCreated(s);
      assert.equal(s.clientName, 'mes-gateway');
      assert.equal(s.cleanSession, false);
      assert.equal(s.temporarySession, false);
      assert.equal(s.sessionStatus, 'normal');
      assert.equal(s.mqttProtocol, '5.0');
      assert.equal(s.keepAliveSeconds, 60);
      assert.equal(s.willTopic, 'mes/gateway/status');
      assert.equal(s.willQoS, 2);
      assert.equal(s.willPayload, 'This message is sent when client disconnects.');
      assert.equal(s.willRetain, true);
      assert.deepEqual(s.metadata, {});

      const d = await t.describe('mes-gateway');
      assertDescribed(d, 'mes-gateway.');
      assert.equal(d.sessionExpiryInterval, 4294967296);
      assert.deepEqual(d.userProperties, [{ key: 'site', value: 'plant-7' }]);
      assert.equal(d.mqttPayloadType, 'utf8');
      assert.equal(d.willCorrelationData, 'any JSON value up to 65500 bytes');
      assert.deepEqual(d.willUserProperties, [{ key: 'severity', value: 'low' }]);
      assert.deepEqual({ group: d.label?.group, name: d.label?.name }, { group: 'systems/', name: 'mes' });
      assert.equal(d.stats!.minHealthySubscribedTopicFiltersCount, 10);
      assert.equal(d.stats!.sessionHealth, 'offline', 'an unused MQ API session is offline');
    });

    test('maximal, temporary (cleanSession true = temporarySession true), MQTT 3.1.1', async () => {
      const r = await t.raw({
        api: 'mq',
        action: 'createMqApiSession',
        params: {
          clientName: 'qa-run-2291',
          cleanSession: true,
          temporarySession: true,
          sessionStatus: 'hidden',
          mqttProtocol: '3.1.1',
          keepAliveSeconds: 60,
          userProperties: [],
          mqttPayloadType: 'binary',
          receiveMaximum: 1,
          maximumPacketSize: 1,
          topicAliasMaximum: 65535,
          requestProblemInformation: false,
          requestResponseInformation: true,
          willTopic: '',
          willQoS: 2,
          willPayload: null,
          willRetain: false,
          willContentType: '',
          willCorrelationData: '',
          willPayloadFormatIndicator: 'none',
          willExpirySeconds: 0,
          willDelaySeconds: 0,
          willResponseTopic: '',
          willUserProperties: [],
          label: { name: 'qa' },
          minHealthySendRatePerMinute: 0,
          maxHealthySendRatePerMinute: 0,
          maxHealthyBacklogRatePerMinute: 0,
          minHealthySubscribedTopicFiltersCount: 0,
          maxHealthySubscribedTopicFiltersCount: 0,
          metadata: { run: 2291 },
        },
        debug: 'max',
        requestId: 'create-max-2',
        authToken: t.token,
      });
      assert.equal(r.errorCode, 0, r.errorMessage);
      assertCreated(r.result);
      assert.equal(r.result.cleanSession, true);
      assert.equal(r.result.temporarySession, true);
      assert.equal(r.result.sessionStatus, 'hidden');
      assert.equal(r.result.mqttProtocol, '3.1.1');
      const d = await t.describe('qa-run-2291');
      assert.equal(d.sessionExpiryInterval, 0, '[seed 003] temporary defaults sessionExpiryInterval to 0');
      assert.deepEqual({ group: d.label?.group, name: d.label?.name }, { group: '', name: 'qa' }, 'label.group defaults to ""');
      assert.deepEqual(d.metadata, { run: 2291 });
      const list = await t.ok('listMqSessions', { partialClientName: 'qa-run-' });
      assert.equal(list.totalCount, 0, 'created hidden: left out of lists');
    });

    test('the clientName of an existing session is refused (one namespace)', async () => {
      for (const name of ['plant-7/press-3', 'mes-gateway']) {
        const r = await t.run('createMqApiSession', { clientName: name });
        assert.equal(r.errorCode, 14007, name);
        assert.equal(r.errorData?.property, 'params.clientName');
      }
    });
  });
});
