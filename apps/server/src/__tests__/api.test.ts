/**
 * POST /api, the JSON action API over HTTP (DESIGN §4), driven with supertest on the exported app
 * (STYLE #12, #15) against a real broker on a real SQLite file and a real mqtt.js client.
 * HTTP 200 for every well-formed JSON action response (errors in errorCode), 400 for a body that
 * is not JSON, 413 for an oversized body; security headers on every answer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import request, { type Response } from 'supertest';
import { createBroker, type Broker } from '@mqdash/broker';
import { createApp } from '../app.ts';

const ADMIN_PASSWORD = 'api-test-password';

/** The headers every answer carries, whatever its status. */
function assertSecurityHeaders(res: Response): void {
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  const csp = res.headers['content-security-policy'] ?? '';
  assert.ok(csp.length > 0, 'Content-Security-Policy is set');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /default-src 'self'/);
  assert.equal(res.headers['x-powered-by'], undefined, 'Express does not announce itself');
}

function assertJson(res: Response): void {
  assert.match(res.headers['content-type'] ?? '', /^application\/json/);
}

describe('POST /api', () => {
  let dir: string;
  let broker: Broker;
  let app: ReturnType<typeof createApp>;
  let small: ReturnType<typeof createApp>;
  let device: MqttClient;
  let token: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-api-test-'));
    broker = await createBroker({ dataDir: dir, adminPassword: ADMIN_PASSWORD });
    const mqttServer = await broker.listenMqtt(0);
    const port = (mqttServer.address() as net.AddressInfo).port;
    device = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: 'dock-3/forklift-12', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff }, reconnectPeriod: 0,
    });
    app = createApp(broker, { maxBodyBytes: 1024 * 1024 });
    small = createApp(broker, { maxBodyBytes: 2048 });
  });
  after(async () => {
    await device.endAsync(true);
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('happy path', () => {
    test('createSession, then actions with the authToken, all HTTP 200 with errorCode 0', async () => {
      const login = await request(app).post('/api').send({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD }, requestId: 'http-1' });
      assert.equal(login.status, 200);
      assertJson(login);
      assertSecurityHeaders(login);
      assert.equal(login.body.errorCode, 0, login.body.errorMessage);
      assert.equal(login.body.requestId, 'http-1');
      assert.equal(typeof login.body.authToken, 'string');
      token = login.body.authToken;

      const created = await request(app).post('/api').send({ api: 'mq', action: 'createMqApiSession', params: { clientName: 'wms-bridge' }, authToken: token });
      assert.equal(created.status, 200);
      assert.equal(created.body.errorCode, 0, created.body.errorMessage);
      assert.equal(created.body.result.clientName, 'wms-bridge');
      assert.equal(created.body.result.sessionType, 'mqApi');

      const list = await request(app).post('/api').send({ action: 'listMqSessions', params: {}, authToken: token, requestId: 2 });
      assert.equal(list.status, 200);
      assertJson(list);
      assertSecurityHeaders(list);
      assert.equal(list.body.errorCode, 0, list.body.errorMessage);
      assert.equal(list.body.requestId, 2);
      assert.equal(list.body.authToken, token);
      assert.deepEqual(
        list.body.result.data.map((r: { clientName: string; sessionType: string; connectionStatus: string }) => [r.clientName, r.sessionType, r.connectionStatus]),
        [['dock-3/forklift-12', 'mqtt', 'connected'], ['wms-bridge', 'mqApi', 'disconnected']],
      );

      const described = await request(app).post('/api').send({ action: 'describeMqSessions', params: { clientNames: ['dock-3/forklift-12'] }, authToken: token, debug: 'max' });
      assert.equal(described.body.errorCode, 0);
      assert.equal(described.body.result.data[0].ipaddress, '127.0.0.1');
      assert.equal(typeof described.body.debugInfo, 'object');
    });

    test('a JSON body is read whatever its Content-Type (FairCom clients often send none)', async () => {
      const res = await request(app).post('/api').set('Content-Type', 'text/plain').send(JSON.stringify({ action: 'pingSession', params: {}, authToken: token }));
      assert.equal(res.status, 200);
      assert.equal(res.body.errorCode, 0, res.body.errorMessage);
      assert.equal(res.body.result.username, 'admin');
    });
  });

  describe('action errors are HTTP 200 with a non-zero errorCode', () => {
    test('unknown action, bad authToken, bad params, wrong password', async () => {
      const cases: Array<[object, number, string | undefined]> = [
        [{ action: 'rebootBroker', params: {}, authToken: token }, 14005, 'action'],
        [{ action: 'listMqSessions', params: {}, authToken: 'forged' }, 12031, 'authToken'],
        [{ action: 'listMqSessions', params: {} }, 12031, 'authToken'],
        [{ action: 'alterMqSession', params: { clientName: 'dock-3/forklift-12', receiveMaximum: 65536 }, authToken: token }, 14003, 'params.receiveMaximum'],
        [{ action: 'listMqSessions', params: { sortAscending: 'clientName', sortDescending: 'clientName' }, authToken: token }, 14004, 'params.sortDescending'],
        [{ action: 'describeMqSessions', params: { clientNames: ['nobody'] }, authToken: token }, 14006, 'params.clientNames'],
        [{ action: 'createSession', params: { username: 'admin', password: 'nope' } }, 14011, 'params.password'],
        [['listMqSessions'], 14000, undefined],
      ];
      for (const [body, errorCode, property] of cases) {
        const res = await request(app).post('/api').send(body);
        assert.equal(res.status, 200, JSON.stringify(body));
        assertJson(res);
        assertSecurityHeaders(res);
        assert.equal(res.body.errorCode, errorCode, JSON.stringify(res.body));
        assert.equal(typeof res.body.errorMessage, 'string');
        assert.ok(res.body.errorMessage.length > 0);
        assert.equal(res.body.errorData?.property, property);
        assert.deepEqual(res.body.result, {}, 'FairCom answers result {} on errors (issue 9)');
      }
      const d = await request(app).post('/api').send({ action: 'describeMqSessions', params: { clientNames: ['dock-3/forklift-12'] }, authToken: token });
      assert.equal(d.body.result.data[0].receiveMaximum, 65535, 'the refused alter changed nothing');
    });
  });

  describe('malformed requests', () => {
    test('a body that is not JSON → HTTP 400, errorCode 14000', async () => {
      for (const body of ['{"action": "listMqSessions",', 'action=listMqSessions', '{\'action\': 1}']) {
        const res = await request(app).post('/api').set('Content-Type', 'application/json').send(body);
        assert.equal(res.status, 400, body);
        assertJson(res);
        assertSecurityHeaders(res);
        assert.equal(res.body.errorCode, 14000);
        assert.match(res.body.errorMessage, /JSON/);
      }
    });

    test('a body over maxBodyBytes → HTTP 413, errorCode 14010; at the limit it is read', async () => {
      const envelope = (padding: number) => JSON.stringify({ action: 'pingSession', params: {}, authToken: token, requestId: 'p'.repeat(padding) });
      const base = Buffer.byteLength(envelope(0));
      const fits = envelope(Math.min(1024, 2048 - base));
      assert.ok(Buffer.byteLength(fits) <= 2048);
      const ok = await request(small).post('/api').set('Content-Type', 'application/json').send(fits);
      assert.equal(ok.status, 200);
      assert.equal(ok.body.errorCode, 0, ok.body.errorMessage);

      const padded = (n: number) => JSON.stringify({ action: 'pingSession', params: {}, authToken: token, pad: 'x'.repeat(n) });
      const exact = padded(2048 - Buffer.byteLength(padded(0)));
      assert.equal(Buffer.byteLength(exact), 2048);
      const atLimit = await request(small).post('/api').set('Content-Type', 'application/json').send(exact);
      assert.equal(atLimit.status, 200, 'exactly maxBodyBytes is allowed');
      assert.equal(atLimit.body.errorCode, 0);

      const tooBig = JSON.stringify({ action: 'pingSession', params: { note: 'x'.repeat(3000) }, authToken: token });
      const res = await request(small).post('/api').set('Content-Type', 'application/json').send(tooBig);
      assert.equal(res.status, 413);
      assertJson(res);
      assertSecurityHeaders(res);
      assert.equal(res.body.errorCode, 14010);
      assert.match(res.body.errorMessage, /2048/);

      const overByOne = padded(2049 - Buffer.byteLength(padded(0)));
      assert.equal(Buffer.byteLength(overByOne), 2049);
      assert.equal((await request(small).post('/api').set('Content-Type', 'application/json').send(overByOne)).status, 413);
    });

    test('GET, PUT and DELETE /api → 405 with Allow: POST', async () => {
      for (const method of ['get', 'put', 'delete'] as const) {
        const res = await request(app)[method]('/api');
        assert.equal(res.status, 405, method);
        assert.equal(res.headers.allow, 'POST');
        assertJson(res);
        assertSecurityHeaders(res);
        assert.notEqual(res.body.errorCode, 0);
      }
    });
  });

  describe('other routes', () => {
    test('GET /healthz → 200 {status: "ok"} with the security headers', async () => {
      const res = await request(app).get('/healthz');
      assert.equal(res.status, 200);
      assertJson(res);
      assert.deepEqual(res.body, { status: 'ok' });
      assertSecurityHeaders(res);
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
    });

    test('an unknown route under /api → 404 JSON with the security headers', async () => {
      const res = await request(app).post('/api/v1/nothing').send({});
      assert.equal(res.status, 404);
      assertJson(res);
      assertSecurityHeaders(res);
    });
  });
});
