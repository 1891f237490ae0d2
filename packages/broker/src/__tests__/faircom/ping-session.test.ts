/**
 * pingSession: FairCom's documented request and response examples, sent as JSON to a real broker.
 * Page: https://docs.faircom.com/docs/en/UUID-e90b7749-1ad0-7437-87e3-52b15850964d.html
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type TestBroker } from '../helpers.ts';
import { assertRefused, assertSucceeded, send } from './faircom-helpers.ts';

let tb: TestBroker;

before(async () => {
  tb = await startBroker();
});
after(async () => {
  await tb?.close();
});

describe('pingSession', () => {
  test('Minimal, without an authToken: errorCode 0 and result {} — the server is alive', async () => {
    const example = { api: 'admin', action: 'pingSession' };
    const r = await send(tb, example);
    assertSucceeded(r, example);
    assert.deepEqual(r.result, {});
    assert.equal(r.authToken, undefined);
  });

  test('with an authToken (the page\'s second example): the session is kept alive', async () => {
    const example = { requestId: '2', api: 'admin', action: 'pingSession', params: {}, responseOptions: {}, apiVersion: '1.0', debug: 'max', authToken: 'replaceWithAuthTokenFromCreateSession' };
    const r = await send(tb, example);
    assertSucceeded(r, example);
    assert.equal(r.result.username, 'admin');
    assert.ok(r.result.expiresInSeconds > 0);
  });

  test('an authToken that is not an active session answers 12031', async () => {
    assertRefused(await send(tb, { api: 'admin', action: 'pingSession', authToken: 'invalidAuthToken' }), 12031, 'authToken');
  });
});

