/**
 * MQ API sessions are not always "disconnected" (issue 9): while an HTTP client uses one through
 * POST /api within its keep-alive window, its connectionStatus, ipaddress, port and
 * connectionDateTime are that client's. Real HTTP requests from chosen loopback addresses and
 * ports, a real broker on a real SQLite file.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createBroker, type Broker } from '@mqdash/broker';
import { createApp } from '../app.ts';

const ADMIN_PASSWORD = 'mq-api-http-test';
let dir: string;
let broker: Broker;
let server: http.Server;
let port: number;
let token: string;

/** POST /api from `localAddress` (a 127.x address) over a fresh connection; the answer and the client's port. */
function post(body: unknown, localAddress = '127.0.0.1'): Promise<{ json: any; localPort: number }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/api', method: 'POST', localAddress, agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ json: JSON.parse(text), localPort: (req.socket as net.Socket).localPort! }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const describeSession = async (clientName: string) => (await post({ action: 'describeMqSessions', params: { clientNames: [clientName] }, authToken: token })).json.result.data[0];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-mqapi-http-'));
  broker = await createBroker({ dataDir: dir, adminPassword: ADMIN_PASSWORD });
  server = http.createServer(createApp(broker, { maxBodyBytes: 1024 * 1024 }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as net.AddressInfo).port;
  token = (await post({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } })).json.authToken;
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await broker.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an MQ API session used over HTTP shows that client\'s address, port and connection time; another client moves them', async () => {
  assert.equal((await post({ action: 'createMqApiSession', params: { clientName: 'http-api', keepAliveSeconds: 600 }, authToken: token })).json.errorCode, 0);
  const before = await describeSession('http-api');
  assert.equal(before.connectionStatus, 'disconnected');
  assert.equal(before.ipaddress, undefined);

  const first = await post({ action: 'getMessagesFromMqApiSession', params: { clientName: 'http-api' }, authToken: token }, '127.0.0.2');
  assert.equal(first.json.errorCode, 0, first.json.errorMessage);
  const used = await describeSession('http-api');
  assert.equal(used.connectionStatus, 'connectedTemporarily');
  assert.equal(used.ipaddress, '127.0.0.2');
  assert.equal(used.port, first.localPort);
  assert.ok(Date.parse(used.connectionDateTime) > Date.now() - 60_000, 'connectionDateTime is this use');

  const second = await post({ action: 'publishMessagesToMq', params: { clientName: 'http-api', topic: 'http/t', messages: [{ payload: 'x' }] }, authToken: token }, '127.0.0.3');
  assert.equal(second.json.errorCode, 0, second.json.errorMessage);
  const moved = await describeSession('http-api');
  assert.equal(moved.ipaddress, '127.0.0.3');
  assert.equal(moved.port, second.localPort);
  assert.equal(moved.connectionDateTime, used.connectionDateTime, 'still the same window');
  const row = (await post({ action: 'listMqSessions', params: { partialClientName: 'http-api' }, authToken: token })).json.result.data[0];
  assert.equal(row.ipaddress, '127.0.0.3');
  assert.equal(row.connectionStatus, 'connectedTemporarily');
});
