/**
 * FairCom's JSON action envelope as its pages use it (issue 9), against a real broker: `debug`
 * "none" | "min" | "max" in any letter case or null, `requestId` any JSON value echoed, `result`
 * present (`{}`) on errors, `debugInfo.warnings` items `{code, message}`, times in answers ISO
 * 8601 UTC with "Z", times in requests also in FairCom's zoneless form (read as UTC).
 * The envelope's properties appear in every action page's examples, e.g. createSession's
 * (https://docs.faircom.com/docs/en/UUID-ceb14f7c-ae19-a27c-b706-ed44ea0aa291.html) and
 * deleteSession's warnings (https://docs.faircom.com/docs/en/UUID-90ee735d-2a96-2367-b2cb-a3eef661c487.html).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type TestBroker } from '../helpers.ts';
import { assertRefused, send, warningsOf } from './faircom-helpers.ts';

let tb: TestBroker;
before(async () => {
  tb = await startBroker();
});
after(async () => {
  await tb?.close();
});

const listRequest = (extra: Record<string, unknown>) => ({ api: 'mq', action: 'listMqSessions', params: {}, authToken: 'replaceWithAuthTokenFromCreateSession', ...extra });

describe('debug', () => {
  test('"none", "min", "max" in any letter case, and null', async () => {
    assert.equal((await send(tb, listRequest({ debug: 'none' }))).debugInfo, undefined);
    assert.equal((await send(tb, listRequest({ debug: null }))).debugInfo, undefined);
    const min = await send(tb, listRequest({ debug: 'MIN' }));
    assert.equal(typeof min.debugInfo!.elapsedMilliseconds, 'number');
    assert.equal(min.debugInfo!.request, undefined, '"min" does not echo the request');
    const max = await send(tb, listRequest({ debug: 'Max' }));
    assert.equal((max.debugInfo!.request as { action: string }).action, 'listMqSessions', '"max" echoes the request');
    assert.equal(typeof max.debugInfo!.elapsedMilliseconds, 'number');
    assertRefused(await send(tb, listRequest({ debug: 'verbose' })), 14003, 'debug');
  });

  test('debugInfo.request never repeats a password or a token', async () => {
    const r = await send(tb, { action: 'changePassword', params: { currentPassword: 'not-it-1234', newPassword: 'another-one-5678' }, authToken: 'replaceWithAuthTokenFromCreateSession', debug: 'max' });
    const text = JSON.stringify(r.debugInfo);
    assert.equal(text.includes('not-it-1234') || text.includes('another-one-5678') || text.includes(tb.token), false, text);
  });
});

describe('requestId', () => {
  test('any JSON value is echoed as sent, on success and on refusal', async () => {
    for (const requestId of ['3', 7, 2.5, true, null, { batch: 'a', n: [1, 2] }, ['x']]) {
      const r = await send(tb, listRequest({ requestId }));
      assert.equal(r.errorCode, 0, r.errorMessage);
      assert.deepEqual(r.requestId, requestId);
    }
    const refused = await send(tb, listRequest({ requestId: { id: 9 }, params: { sortAscending: 'shoeSize' } }));
    assert.equal(refused.errorCode, 14003);
    assert.deepEqual(refused.requestId, { id: 9 });
  });
});

describe('result and warnings', () => {
  test('a refusal answers result {} with its errorCode, errorMessage and errorData', async () => {
    const r = await send(tb, listRequest({ params: { sortAscending: 'shoeSize' } }));
    assertRefused(r, 14003, 'params.sortAscending');
    assert.deepEqual(Object.keys(r).sort(), ['authToken', 'errorCode', 'errorData', 'errorMessage', 'result']);
  });

  test('warnings are {code, message}: an unknown property at the top, inside params, and inside an array item', async () => {
    await tb.ok('createMqApiSession', { clientName: 'env-api' });
    const r = await send(tb, {
      action: 'subscribeToMq', params: { clientName: 'env-api', colour: 'red', subscriptionActions: [{ subscriptionAction: 'add', topicFilter: 'e/1', speed: 'fast' }] },
      authToken: 'replaceWithAuthTokenFromCreateSession', database: 'faircom',
    });
    assert.equal(r.errorCode, 0, r.errorMessage);
    const ws = warningsOf(r);
    assert.deepEqual(ws.map((w) => w.code), [14015, 14015, 14015]);
    for (const where of ['database', 'params.colour', 'params.subscriptionActions[0].speed']) assert.ok(ws.some((w) => w.message.startsWith(where)), `${where} named`);
  });

  test('a letter-case variant of an envelope property is refused, not ignored', async () => {
    const r = await send(tb, { action: 'listMqSessions', Params: { partialClientName: 'x' }, authToken: 'replaceWithAuthTokenFromCreateSession' });
    assertRefused(r, 14015, 'Params');
    assert.match(r.errorMessage, /did you mean "params"/);
  });
});

describe('times', () => {
  test('answers write ISO 8601 in UTC with "Z"; a request time without a zone is read as UTC', async () => {
    const created = await send(tb, { action: 'createApiKey', params: { name: 'zoneless', expiresAt: '2099-01-02T03:04:05' }, authToken: 'replaceWithAuthTokenFromCreateSession' });
    assert.equal(created.errorCode, 0, created.errorMessage);
    assert.equal(created.result.expiresAt, '2099-01-02T03:04:05.000Z', 'the zoneless time is UTC');
    assert.match(created.result.createdDateTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const detail = await tb.describe('env-api');
    assert.match(detail.createdDateTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
