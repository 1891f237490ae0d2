/**
 * Request limits and slow clients (issue "Hostile input") against the real listening server
 * (`startServer`, temp data dir, free ports): every route that reads a body refuses one over
 * MAX_BODY_BYTES with 413 in its API's error shape; a slow-loris client sending headers byte by byte,
 * or a body that never finishes, is cut off after HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS (small
 * values here), while other requests are still served.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { ErrorCode } from '@mqdash/contracts';
import { loadConfig } from '../config.ts';
import { startServer, type RunningServer } from '../server.ts';

const PASSWORD = 'hostile-limits-admin-password';
const MAX_BODY = 4096;
const HEADERS_TIMEOUT = 600;
const REQUEST_TIMEOUT = 1500;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('request limits and slow clients', () => {
  let dir: string;
  let srv: RunningServer;
  let base: string;
  let cookie: string;
  let csrf: string;
  let basic: string;
  const sockets: net.Socket[] = [];
  let robot: MqttClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-hostile-limits-'));
    const config = loadConfig(
      ['--port', '0', '--mqtt-port', '0', '--data-dir', dir, '--admin-password', PASSWORD, '--log-level', 'silent',
        '--max-body-bytes', String(MAX_BODY), '--headers-timeout-ms', String(HEADERS_TIMEOUT), '--request-timeout-ms', String(REQUEST_TIMEOUT)],
      {},
    );
    srv = await startServer(config, pino({ level: 'silent' }));
    base = `http://127.0.0.1:${srv.httpPort}`;
    const login = await fetch(`${base}/bff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    assert.equal(login.status, 200);
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    const token = (await srv.broker.actions.run({ action: 'createSession', params: { username: 'admin', password: PASSWORD } })).authToken;
    const key = (await srv.broker.actions.run({ action: 'createApiKey', params: { name: 'limits', role: 'operator' }, authToken: token })).result as { apiKey: string; apiSecret: string };
    basic = `Basic ${Buffer.from(`${key.apiKey}:${key.apiSecret}`).toString('base64')}`;
    await srv.broker.actions.run({ action: 'createMqApiSession', params: { clientName: 'limits-api' }, authToken: token });
    robot = await mqtt.connectAsync(`mqtt://127.0.0.1:${srv.mqttPort}`, { clientId: 'limits-robot', protocolVersion: 5, reconnectPeriod: 0, clean: false, properties: { sessionExpiryInterval: 0xffffffff } });
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await robot.endAsync(true).catch(() => {});
    await srv.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the timeouts are settings, and Node refuses nothing it is given', () => {
    const c = loadConfig([], { HEADERS_TIMEOUT_MS: '2000', REQUEST_TIMEOUT_MS: '5000' });
    assert.equal(c.headersTimeoutMs, 2000);
    assert.equal(c.requestTimeoutMs, 5000);
    assert.deepEqual([loadConfig([], {}).headersTimeoutMs, loadConfig([], {}).requestTimeoutMs], [10_000, 30_000]);
    assert.throws(() => loadConfig(['--headers-timeout-ms', '9000', '--request-timeout-ms', '5000'], {}), /--headers-timeout-ms/);
    assert.throws(() => loadConfig(['--request-timeout-ms', '0'], {}), /--request-timeout-ms/);
  });

  const big = JSON.stringify({ pad: 'x'.repeat(MAX_BODY + 1) });
  const routes: Array<{ method: string; path: string; api: 'api' | 'bff' | 'emqx' }> = [
    { method: 'POST', path: '/api', api: 'api' },
    { method: 'POST', path: '/bff/login', api: 'bff' },
    { method: 'POST', path: '/bff/logout', api: 'bff' },
    { method: 'POST', path: '/bff/password', api: 'bff' },
    { method: 'GET', path: '/bff/me', api: 'bff' },
    { method: 'GET', path: '/bff/sessions', api: 'bff' },
    { method: 'POST', path: '/bff/sessions/bulk', api: 'bff' },
    { method: 'PATCH', path: '/bff/sessions/limits-api', api: 'bff' },
    { method: 'DELETE', path: '/bff/sessions/limits-api', api: 'bff' },
    { method: 'POST', path: '/bff/sessions/limits-api/disconnect', api: 'bff' },
    { method: 'POST', path: '/bff/sessions/limits-api/kick', api: 'bff' },
    { method: 'POST', path: '/bff/sessions/limits-api/subscriptions', api: 'bff' },
    { method: 'DELETE', path: '/bff/sessions/limits-api/subscriptions', api: 'bff' },
    { method: 'POST', path: '/bff/sessions/limits-api/messages', api: 'bff' },
    { method: 'POST', path: '/bff/api-keys', api: 'bff' },
    { method: 'PATCH', path: '/bff/api-keys/limits', api: 'bff' },
    { method: 'DELETE', path: '/bff/api-keys/limits', api: 'bff' },
    { method: 'POST', path: '/bff/mqtt-users', api: 'bff' },
    { method: 'PATCH', path: '/bff/mqtt-users/limits', api: 'bff' },
    { method: 'DELETE', path: '/bff/mqtt-users/limits', api: 'bff' },
    { method: 'PUT', path: '/bff/mqtt-auth', api: 'bff' },
    { method: 'POST', path: '/bff/mq-api-sessions', api: 'bff' },
    { method: 'POST', path: '/bff/feed-token', api: 'bff' },
    { method: 'GET', path: '/api/v5/clients', api: 'emqx' },
    { method: 'GET', path: '/api/v5/clients/limits-robot', api: 'emqx' },
    { method: 'DELETE', path: '/api/v5/clients/limits-robot', api: 'emqx' },
    { method: 'POST', path: '/api/v5/clients/limits-robot/subscribe', api: 'emqx' },
    { method: 'POST', path: '/api/v5/clients/limits-robot/subscribe/bulk', api: 'emqx' },
    { method: 'POST', path: '/api/v5/clients/limits-robot/unsubscribe', api: 'emqx' },
    { method: 'POST', path: '/api/v5/clients/limits-robot/unsubscribe/bulk', api: 'emqx' },
  ];

  test('every route refuses a body over MAX_BODY_BYTES with 413 in its error shape, and changes nothing', async () => {
    const before = await fetch(`${base}/api/v5/clients/limits-robot`, { headers: { authorization: basic } });
    assert.equal(before.status, 200);
    for (const r of routes) {
      // Node sends no Content-Length or chunked encoding for a GET body unless told.
      const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) };
      if (r.api === 'bff') Object.assign(headers, { cookie, 'x-csrf-token': csrf });
      if (r.api === 'emqx') headers.authorization = basic;
      // node:http, since fetch will not send a body with GET.
      const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(`${base}${r.path}`, { method: r.method, headers }, (m) => {
          let text = '';
          m.on('data', (d) => (text += d));
          m.on('end', () => resolve({ status: m.statusCode!, text }));
        });
        req.on('error', reject);
        req.end(big);
      });
      const body = JSON.parse(res.text) as Record<string, unknown>;
      const where = `${r.method} ${r.path} → ${res.status} ${res.text}`;
      assert.equal(res.status, 413, where);
      if (r.api === 'api') assert.equal(body.errorCode, ErrorCode.requestTooLarge, where);
      if (r.api === 'bff') assert.equal(body.error, 'TOO_LARGE', where);
      if (r.api === 'emqx') assert.equal(body.code, 'PAYLOAD_TOO_LARGE', where);
      assert.ok(typeof (body.message ?? body.errorMessage) === 'string', where);
    }
    // A body over the limit without a Content-Length (chunked) is cut off as well.
    const chunked = await fetch(`${base}/api`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, duplex: 'half',
      body: new ReadableStream({ start(c) { for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode(big.slice(i * 1100, (i + 1) * 1100 + (i === 3 ? big.length : 0)))); c.close(); } }),
    } as RequestInit);
    assert.equal(chunked.status, 413);
    // Nothing was deleted, kicked or changed; the sign-in still works.
    const afterRes = await fetch(`${base}/api/v5/clients/limits-robot`, { headers: { authorization: basic } });
    assert.equal(afterRes.status, 200);
    assert.equal((await fetch(`${base}/bff/me`, { headers: { cookie } })).status, 200);
    assert.equal(robot.connected, true, 'the MQTT client was not kicked');
    const api = await fetch(`${base}/bff/sessions/limits-api`, { headers: { cookie } });
    assert.equal(api.status, 200, 'the MQ API session is still there');
    assert.equal(((await api.json()) as { sessionStatus: string }).sessionStatus, 'normal');
  });

  /** A raw socket that sends `head` and then one more byte every `everyMs`, never finishing. */
  async function slowClient(head: string, drip: string, everyMs: number) {
    const s = net.connect(srv.httpPort, '127.0.0.1');
    sockets.push(s);
    s.on('error', () => {});
    let closedAt = 0;
    let response = '';
    s.on('data', (d) => (response += d.toString()));
    const closed = new Promise<void>((r) => s.on('close', () => {
      closedAt = Date.now();
      r();
    }));
    await new Promise<void>((r) => s.once('connect', () => r()));
    const startedAt = Date.now();
    s.write(head);
    let i = 0;
    const timer = setInterval(() => {
      if (s.destroyed) return clearInterval(timer);
      s.write(drip[i++ % drip.length]!);
    }, everyMs);
    return {
      closed: closed.then(() => clearInterval(timer)),
      elapsed: () => closedAt - startedAt,
      response: () => response,
    };
  }

  /** Normal requests answered promptly while the slow clients hang on. */
  async function servedMeanwhile(until: Promise<unknown>) {
    let served = 0;
    let done = false;
    void until.then(() => (done = true));
    while (!done) {
      const t0 = Date.now();
      const r = await fetch(`${base}/healthz`);
      assert.equal(r.status, 200);
      await r.arrayBuffer();
      assert.ok(Date.now() - t0 < 500, `a normal request took ${Date.now() - t0} ms while slow clients were connected`);
      served++;
      await sleep(50);
    }
    return served;
  }

  test('slow-loris clients sending headers byte by byte are cut off; others are served meanwhile', async () => {
    const loris = await Promise.all(
      Array.from({ length: 20 }, () => slowClient('GET /healthz HTTP/1.1\r\nHost: x\r\n', 'X-Slow: aaaaaaaaaaaaaaaa\r\n', 50)),
    );
    const all = Promise.all(loris.map((l) => l.closed));
    const limit = new Promise((_, reject) => setTimeout(() => reject(new Error(`slow-loris clients still connected after ${HEADERS_TIMEOUT * 5} ms`)), HEADERS_TIMEOUT * 5));
    const served = await servedMeanwhile(Promise.race([all, limit]));
    await Promise.race([all, limit]);
    assert.ok(served >= 3, `other requests were served meanwhile (${served})`);
    for (const l of loris) {
      assert.ok(l.elapsed() >= HEADERS_TIMEOUT - 50, `cut off after the headers timeout, not before (${l.elapsed()} ms)`);
      assert.ok(!l.response().includes('200 OK'), 'a slow-loris request is never answered 200');
    }
  });

  test('a request body that never finishes is cut off after the request timeout', async () => {
    const slow = await slowClient(
      `POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${MAX_BODY - 1}\r\n\r\n{"action":"pingSession","params":{"pad":"`,
      'x', 100,
    );
    const limit = new Promise((_, reject) => setTimeout(() => reject(new Error(`slow body still connected after ${REQUEST_TIMEOUT * 3} ms`)), REQUEST_TIMEOUT * 3));
    const served = await servedMeanwhile(Promise.race([slow.closed, limit]));
    await Promise.race([slow.closed, limit]);
    assert.ok(served >= 3, `other requests were served meanwhile (${served})`);
    assert.ok(slow.elapsed() >= REQUEST_TIMEOUT - 50, `cut off after the request timeout (${slow.elapsed()} ms)`);
    assert.ok(!slow.response().includes('200 OK'), `never answered 200: ${slow.response().slice(0, 200)}`);
  });

  test('an idle connection that sends nothing is closed too', async () => {
    const idle = await slowClient('', ' ', 1_000_000);
    const limit = new Promise((_, reject) => setTimeout(() => reject(new Error('an idle connection was never closed')), REQUEST_TIMEOUT * 4));
    await Promise.race([idle.closed, limit]);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });
});
