/**
 * `/mqtt` WebSocket upgrades (issue 12: the probe found any Origin accepted) against the real
 * listening server: browsers' upgrades need this server's origin or an allowed host; clients that
 * send no Origin (devices, mqtt.js in Node) connect as before; the Host allowlist applies too.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import WebSocket from 'ws';
import { loadConfig } from '../config.ts';
import { startServer, type RunningServer } from '../server.ts';

/** The HTTP status of a WebSocket upgrade with these headers: 101 when accepted. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'mqtt', { headers });
    ws.once('open', () => {
      ws.close();
      resolve({ status: 101, body: '' });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (err) => reject(err));
  });
}

describe('/mqtt upgrades: Origin and Host', () => {
  let dir: string;
  let server: RunningServer;
  let url: string;
  let self: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-ws-origin-'));
    const config = loadConfig(['--port', '0', '--mqtt-port', '0', '--data-dir', dir, '--log-level', 'silent', '--allowed-hosts', '127.0.0.1,localhost,console.example.com'], { ADMIN_PASSWORD: 'ws-origin-admin-password' });
    server = await startServer(config, pino({ level: 'silent' }));
    url = `ws://127.0.0.1:${server.httpPort}/mqtt`;
    self = `http://127.0.0.1:${server.httpPort}`;
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a client without Origin (not a browser) connects and exchanges MQTT', async () => {
    const c = await mqtt.connectAsync(url, { clientId: 'ws-no-origin', reconnectPeriod: 0, protocolVersion: 5 });
    await c.subscribeAsync('ws/t');
    const got = new Promise<string>((r) => c.once('message', (_t, p) => r(p.toString())));
    await c.publishAsync('ws/t', 'hi');
    assert.equal(await got, 'hi');
    await c.endAsync();
  });

  test("the dashboard's own origin and an allowed host's origin connect", async () => {
    const c = await mqtt.connectAsync(url, { clientId: 'ws-same-origin', reconnectPeriod: 0, wsOptions: { headers: { Origin: self } } });
    assert.ok(c.connected);
    await c.endAsync();
    assert.equal((await upgradeStatus(url, { Origin: 'https://console.example.com' })).status, 101);
  });

  test("another site's page is refused with 403 before any MQTT byte, and no session is left", async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${server.httpPort}`, 'null', 'http://127.0.0.2', 'file://']) {
      const r = await upgradeStatus(url, { Origin: origin });
      assert.equal(r.status, 403, origin);
      assert.match(r.body, /Origin/);
    }
    // mqtt.js itself: closed without a CONNACK (it reports the refused upgrade as a close).
    const c = mqtt.connect(url, { clientId: 'ws-evil', reconnectPeriod: 0, connectTimeout: 5000, wsOptions: { headers: { Origin: 'http://evil.example' } } });
    let connected = false;
    c.once('connect', () => { connected = true; });
    await new Promise<void>((resolve) => c.once('close', () => resolve()));
    assert.equal(connected, false);
    c.end(true);
    assert.equal(server.broker.registry.get('ws-evil'), undefined);
  });

  test('DNS rebinding: a Host that is not allowed is refused, even with a matching Origin', async () => {
    const r = await upgradeStatus(url, { Host: `rebind.example:${server.httpPort}`, Origin: `http://rebind.example:${server.httpPort}` });
    assert.equal(r.status, 403);
    assert.match(r.body, /host name "rebind.example" is not allowed/);
    assert.equal((await upgradeStatus(url, { Host: `localhost:${server.httpPort}`, Origin: `http://localhost:${server.httpPort}` })).status, 101);
  });

  test('behind a trusted proxy (TRUST_PROXY), the name checked is its X-Forwarded-Host', async () => {
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-ws-proxy-'));
    const config = loadConfig(['--port', '0', '--mqtt-port', '0', '--data-dir', dir2, '--log-level', 'silent', '--trust-proxy', 'loopback', '--allowed-hosts', 'console.example.com'], { ADMIN_PASSWORD: 'ws-proxy-admin-password' });
    const proxied = await startServer(config, pino({ level: 'silent' }));
    try {
      const u = `ws://127.0.0.1:${proxied.httpPort}/mqtt`;
      // As a TLS proxy on this machine forwards a browser's upgrade for https://console.example.com.
      assert.equal((await upgradeStatus(u, { 'X-Forwarded-Host': 'console.example.com', Origin: 'https://console.example.com' })).status, 101);
      assert.equal((await upgradeStatus(u, { 'X-Forwarded-Host': 'evil.example', Origin: 'https://evil.example' })).status, 403);
      // Without the proxy's header the Host itself (127.0.0.1) is not in the list.
      assert.equal((await upgradeStatus(u, {})).status, 403);
    } finally {
      await proxied.close();
      fs.rmSync(dir2, { recursive: true, force: true });
    }
  });
});
