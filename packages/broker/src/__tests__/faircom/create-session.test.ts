/**
 * createSession: FairCom's documented request and response examples, sent as JSON to a real broker.
 * Page: https://docs.faircom.com/docs/en/UUID-ceb14f7c-ae19-a27c-b706-ed44ea0aa291.html
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, startBroker, type TestBroker } from '../helpers.ts';
import { assertRefused, assertSucceeded, send, warningsOf } from './faircom-helpers.ts';

let tb: TestBroker;

before(async () => {
  tb = await startBroker();
});
after(async () => {
  await tb?.close();
});

const credentials = { CHANGE: 'admin' };

describe('createSession', () => {
  test('Minimal: the token is in result.authToken (where FairCom\'s examples read it) and in the envelope', async () => {
    const example = { api: 'admin', action: 'createSession', params: { username: 'CHANGE', password: 'CHANGE' } };
    const r = await send(tb, { ...example, params: { username: 'admin', password: ADMIN_PASSWORD } }, credentials);
    assertSucceeded(r, example);
    assert.equal(typeof r.result.authToken, 'string');
    assert.equal(r.result.authToken, r.authToken);
    assert.equal(r.result.username, 'admin');
    assert.equal(typeof r.result.idleConnectionTimeoutSeconds, 'number');
    assert.match(r.result.sessionStartTimestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'ISO 8601, UTC with Z');
    // The token works.
    assertSucceeded(await send(tb, { action: 'pingSession', authToken: r.result.authToken }), {});
  });

  test('Maximal: FairCom\'s other session settings are ignored with warnings, the login works', async () => {
    const example = {
      requestId: '2',
      api: 'admin',
      action: 'createSession',
      params: {
        username: 'CHANGE',
        password: 'CHANGE',
        description: 'optional user description of session for troubleshooting',
        defaultApi: 'db',
        defaultDebug: 'max',
        defaultDatabaseName: 'ctreeSQL',
        defaultOwnerName: 'admin',
        defaultBinaryFormat: 'hex',
        defaultVariantFormat: 'binary',
        defaultResponseOptions: { dataFormat: 'objects', numberFormat: 'string', binaryFormat: 'hex', variantFormat: 'variantObject' },
        idleConnectionTimeoutSeconds: 60000,
        permanentSession: 'true',
        idleCursorTimeoutSeconds: 60000,
      },
      responseOptions: { dataFormat: 'objects', numberFormat: 'string', binaryFormat: 'hex', variantFormat: 'json' },
      apiVersion: '1.0',
      debug: 'max',
    };
    const r = await send(tb, { ...example, params: { ...example.params, username: 'admin', password: ADMIN_PASSWORD } });
    assertSucceeded(r, example, 'Maximal');
    assert.equal(r.requestId, '2');
    assert.equal(r.result.authToken, r.authToken);
    const warned = warningsOf(r).map((w) => w.message).join('\n');
    for (const k of ['defaultApi', 'idleConnectionTimeoutSeconds', 'permanentSession']) assert.match(warned, new RegExp(`params\\.${k}`), `${k} named`);
    assert.equal(JSON.stringify(r.debugInfo).includes(ADMIN_PASSWORD), false, 'debugInfo.request does not repeat the password');
  });

  test('a wrong password is refused with result {}', async () => {
    assertRefused(await send(tb, { api: 'admin', action: 'createSession', params: { username: 'admin', password: 'wrong' } }), 14011, 'params.password');
  });
});

