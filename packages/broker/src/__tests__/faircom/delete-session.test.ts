/**
 * deleteSession: FairCom's documented request and response examples, sent as JSON to a real broker.
 * Page: https://docs.faircom.com/docs/en/UUID-90ee735d-2a96-2367-b2cb-a3eef661c487.html
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, startBroker, type TestBroker } from '../helpers.ts';
import { assertRefused, send, warningsOf } from './faircom-helpers.ts';

let tb: TestBroker;

before(async () => {
  tb = await startBroker();
});
after(async () => {
  await tb?.close();
});

const login = async () => (await send(tb, { api: 'admin', action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } })).result.authToken as string;

describe('deleteSession', () => {
  test('Minimal: the token ends; a second deleteSession of it answers 0 with a warning {code: 12031}', async () => {
    const token = await login();
    const example = { api: 'admin', action: 'deleteSession', authToken: token };
    const r = await send(tb, example);
    assert.equal(r.errorCode, 0, r.errorMessage);
    assert.deepEqual(r.result, {});
    assertRefused(await send(tb, { action: 'pingSession', authToken: token }), 12031);
    const again = await send(tb, { requestId: '2', api: 'admin', action: 'deleteSession', params: {}, responseOptions: {}, apiVersion: '1.0', debug: 'max', authToken: token });
    assert.equal(again.errorCode, 0, again.errorMessage);
    assert.deepEqual(again.result, {});
    assert.equal(again.requestId, '2');
    const [w] = warningsOf(again);
    assert.equal(w?.code, 12031);
    assert.match(w!.message, /authToken/);
  });

  test('without any authToken it is refused (12031)', async () => {
    assertRefused(await send(tb, { api: 'admin', action: 'deleteSession' }), 12031, 'authToken');
  });
});
