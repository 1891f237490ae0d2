/**
 * Seed 004's curl examples, run with the real curl through bash against a real listening server
 * started as `npm start` does (config from flags, API_KEY_BOOTSTRAP_FILE holding `app_id:app_secret`,
 * the seed's own credentials), with `{api}` = http://127.0.0.1:PORT/api/v5.
 *
 * The seed's typos are fixed: the list URL is quoted (an unquoted `&` would send curl to the
 * background and drop `_limit`), `app_ssecret` is `app_secret`, and the stray quote after the
 * unsubscribe URL is removed. `-sS -w '\n%{http_code}'` is added to read the status.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { loadConfig } from '../config.ts';
import { startServer, type RunningServer } from '../server.ts';
import { nextMessage } from './emqx-helpers.ts';

const run = promisify(execFile);

describe('seed 004 curl examples against a listening server', () => {
  let dir: string;
  let server: RunningServer;
  let client1: MqttClient;
  let api: string;

  /** Runs one seed example (with `{api}` filled in) in bash; returns the status and the parsed body. */
  const curl = async (example: string): Promise<{ status: number; body: any }> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const { stdout } = await run('bash', ['-c', `${example.replaceAll('{api}', api)} -sS -w '\\n%{http_code}'`], { timeout: 10_000 });
    const at = stdout.lastIndexOf('\n');
    const text = stdout.slice(0, at);
    return { status: Number(stdout.slice(at + 1)), body: text ? JSON.parse(text) : undefined };
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-emqx-curl-'));
    const keys = path.join(dir, 'api-keys.txt');
    fs.writeFileSync(keys, '# EMQX tooling (seed 004 examples)\napp_id:app_secret\n');
    const config = loadConfig(
      ['--port', '0', '--mqtt-port', '0', '--data-dir', path.join(dir, 'data'), '--api-key-bootstrap-file', keys, '--log-level', 'silent'],
      { ADMIN_PASSWORD: 'curl-test-admin-password' },
    );
    server = await startServer(config, pino({ level: 'silent' }));
    api = `http://127.0.0.1:${server.httpPort}/api/v5`;
    client1 = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { clientId: 'client_1', protocolVersion: 5, reconnectPeriod: 0 });
  });
  after(async () => {
    await client1.endAsync(true).catch(() => {});
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('API_KEY_BOOTSTRAP_FILE is read from the config (flag --api-key-bootstrap-file)', () => {
    assert.equal(loadConfig([], { API_KEY_BOOTSTRAP_FILE: '/etc/mqdash/keys' }).apiKeyBootstrapFile, '/etc/mqdash/keys');
    assert.equal(server.broker.apiKeys.get('app_id')?.source, 'bootstrapFile');
  });

  test("View All Clients: curl -u app_id:app_secret -X GET '{api}/clients?_page=1&_limit=50'", async () => {
    const r = await curl("curl -u app_id:app_secret -X GET '{api}/clients?_page=1&_limit=50'");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.meta, { page: 1, limit: 50, hasnext: false, count: 1 });
    assert.equal(r.body.data[0].clientid, 'client_1');
    assert.equal(r.body.data[0].connected, true);
    assert.equal(r.body.data[0].proto_ver, 5);
  });

  test('View Information for a Specific Client: curl -u app_id:app_secret -X GET {api}/clients/client_1', async () => {
    const r = await curl('curl -u app_id:app_secret -X GET {api}/clients/client_1');
    assert.equal(r.status, 200);
    assert.equal(r.body.clientid, 'client_1', 'one object, not a list');
    assert.equal(r.body.listener, 'tcp:default');
    assert.equal(r.body.node, `mqdash@${os.hostname()}`);
    const bad = await curl('curl -u app_id:app_ssecret -X GET {api}/clients/client_1');
    assert.equal(bad.status, 401, "the seed's misspelt secret is refused");
    assert.equal(bad.body.code, 'BAD_API_KEY_OR_SECRET');
  });

  test('Subscribe a Client to a Specific Topic, then it receives; Unsubscribe', async () => {
    const r = await curl(`curl -u app_id:app_secret -X POST -H 'Content-Type: application/json' -d '{"topic": "t/a","qos": 1}' {api}/clients/client_1/subscribe`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { clientid: 'client_1', topic: 't/a', qos: 1, nl: 0, node: `mqdash@${os.hostname()}`, rap: 0, rh: 0 });
    const got = nextMessage(client1, 't/a');
    await client1.publishAsync('t/a', 'via curl', { qos: 1 });
    assert.equal(await got, 'via curl');

    const u = await curl(`curl -u app_id:app_secret -X POST -H 'Content-Type: application/json' -d '{"topic": "t/a"}' {api}/clients/client_1/unsubscribe`);
    assert.equal(u.status, 204);
    assert.equal(u.body, undefined);
  });

  test('Bulk Subscribe and Bulk Unsubscribe', async () => {
    const r = await curl(`curl -u app_id:app_secret -X POST -H 'Content-Type: application/json' -d '[{"topic": "t/a", "qos": 1}, {"topic": "t/b", "qos": 0}]' {api}/clients/client_1/subscribe/bulk`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.data.map((s: { clientid: string; topic: string; qos: number }) => [s.clientid, s.topic, s.qos]), [['client_1', 't/a', 1], ['client_1', 't/b', 0]]);
    const got = nextMessage(client1, 't/b');
    await client1.publishAsync('t/b', 'bulk', { qos: 0 });
    assert.equal(await got, 'bulk');

    const u = await curl(`curl -u app_id:app_secret -X POST -H 'Content-Type: application/json' -d '[{"topic": "t/a"},{"topic": "t/b"}]' {api}/clients/client_1/unsubscribe/bulk`);
    assert.equal(u.status, 204);
    const after = await curl('curl -u app_id:app_secret -X GET {api}/clients/client_1');
    assert.equal(after.body.subscriptions_cnt, 0);
  });

  test('Kick a Client: curl -u app_id:app_secret -X DELETE {api}/clients/client_1', async () => {
    const gone = new Promise<void>((resolve) => client1.once('close', () => resolve()));
    const r = await curl('curl -u app_id:app_secret -X DELETE {api}/clients/client_1');
    assert.equal(r.status, 204);
    await gone;
    const again = await curl('curl -u app_id:app_secret -X GET {api}/clients/client_1');
    assert.equal(again.status, 404);
    assert.equal(again.body.code, 'CLIENTID_NOT_FOUND');
  });
});
