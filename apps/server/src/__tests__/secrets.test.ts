/**
 * No secret is ever logged or returned (issue 6, Security). The real server process runs at the
 * most verbose log level (trace) with a generated first-start password; every way a secret enters
 * (sign-in through /api and /bff, wrong passwords, a malformed JSON body holding a password, the
 * password change, API key secrets right and wrong, feed tokens right and forged, MQTT passwords)
 * is exercised. Then: its whole output holds none of them, no HTTP response but the one that issues
 * a secret holds it (passwords: none at all), and the database file and its WAL hold no plaintext.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import mqtt from 'mqtt';
import { FEED_USERNAME } from '@mqdash/contracts';
import { freePort, spawnServer, type ServerProcess } from './server-process.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-secrets-'));
let server: ServerProcess | null = null;
after(async () => {
  await server?.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Every response body and header seen, with the one secret (if any) it is allowed to carry. */
const responses: Array<{ what: string; text: string; may: string[] }> = [];

async function http(httpPort: number, what: string, pathname: string, init: RequestInit = {}) {
  const res = await fetch(`http://127.0.0.1:${httpPort}${pathname}`, init);
  const body = await res.text();
  const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  const entry = { what, text: `${res.status}\n${headers}\n\n${body}`, may: [] as string[] };
  responses.push(entry);
  return { res, body, json: () => JSON.parse(body), allow: (secret: string) => entry.may.push(secret) };
}

const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body),
});

function mqttConnect(port: number, username: string, password: string): Promise<'accepted' | string> {
  return new Promise((resolve) => {
    const c = mqtt.connect({ host: '127.0.0.1', port, clientId: `secrets-${Math.random().toString(16).slice(2)}`, username, password, reconnectPeriod: 0, protocolVersion: 5 });
    c.once('connect', () => { c.end(true); resolve('accepted'); });
    c.once('error', (err) => { c.end(true); resolve(err.message); });
  });
}

test('no password, token or API secret is ever logged, returned where it was not issued, or stored in plaintext', { timeout: 120_000 }, async () => {
  const [mqttPort, httpPort] = [await freePort(), await freePort()];
  // No ADMIN_PASSWORD: the first start generates one and writes it to a file.
  server = spawnServer({ dataDir, mqttPort, httpPort, adminPassword: '', env: { LOG_LEVEL: 'trace' } });
  await server.listening();
  const passwordFile = path.join(dataDir, 'initial-admin-password');
  const initial = fs.readFileSync(passwordFile, 'utf8').trim();
  assert.ok(initial.length >= 16, 'a generated password');
  assert.ok(server.output().includes(passwordFile), 'the log names the password file');

  const wrongPassword = 'Wrong-Guess-0f-The-Admin-Password';
  const newPassword = 'Brand-New-Admin-Password-42';
  const secrets: Record<string, string> = { initial, wrongPassword, newPassword };

  // The JSON API: a wrong password, a malformed body holding the right one, a right one.
  const wrong = await http(httpPort, '/api wrong password', '/api', post({ action: 'createSession', params: { username: 'admin', password: wrongPassword } }));
  assert.notEqual(wrong.json().errorCode, 0);
  const malformed = await http(httpPort, '/api malformed JSON', '/api', post(`{"action":"createSession","params":{"username":"admin","password":"${initial}"`));
  assert.equal(malformed.res.status, 400);
  const badType = await http(httpPort, '/api password too long', '/api', post({ action: 'createSession', params: { username: 'admin', password: initial.repeat(100) } }));
  assert.notEqual(badType.json().errorCode, 0);
  const signIn = await http(httpPort, '/api createSession', '/api', post({ action: 'createSession', params: { username: 'admin', password: initial } }));
  const authToken: string = signIn.json().authToken;
  assert.ok(authToken);
  signIn.allow(authToken);
  secrets.authToken = authToken;
  // FairCom's JSON API echoes the caller's own authToken in each response (seed 002's examples).
  const action = async (what: string, name: string, params: Record<string, unknown>) => {
    const r = await http(httpPort, what, '/api', post({ action: name, authToken, params }));
    r.allow(authToken);
    return r;
  };

  // API keys: the secret is shown once, at creation; a wrong secret is refused.
  const created = await action('createApiKey', 'createApiKey', { name: 'secrets-test', description: 'for the secrets test', role: 'operator' });
  const { apiKey, apiSecret } = created.json().result as { apiKey: string; apiSecret: string };
  created.allow(apiSecret);
  secrets.apiSecret = apiSecret;
  secrets.wrongApiSecret = 'Not-The-Api-Secret-123456';
  const basic = (secret: string) => ({ authorization: `Basic ${Buffer.from(`${apiKey}:${secret}`).toString('base64')}` });
  assert.equal((await http(httpPort, 'EMQX with the secret', '/api/v5/clients', { headers: basic(apiSecret) })).res.status, 200);
  assert.equal((await http(httpPort, 'EMQX with a wrong secret', '/api/v5/clients', { headers: basic(secrets.wrongApiSecret) })).res.status, 401);
  assert.equal((await action('listApiKeys', 'listApiKeys', {})).json().errorCode, 0);

  // The dashboard: sign-in cookie and CSRF token, a feed token, a password change.
  const login = await http(httpPort, '/bff/login', '/bff/login', post({ username: 'admin', password: initial }));
  assert.equal(login.res.status, 200);
  const cookie = login.res.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = login.json() as { csrfToken: string };
  secrets.sessionCookie = cookie.split('=')[1]!;
  login.allow(secrets.sessionCookie);
  const bff = { cookie, 'x-csrf-token': csrfToken };
  const feed = await http(httpPort, '/bff/feed-token', '/bff/feed-token', post({}, bff));
  const feedToken: string = feed.json().token;
  assert.ok(feedToken, feed.body);
  feed.allow(feedToken);
  secrets.feedToken = feedToken;
  secrets.forgedFeedToken = `${feedToken.slice(0, -6)}AAAAAA`;
  assert.equal(await mqttConnect(mqttPort, FEED_USERNAME, feedToken), 'accepted');
  assert.notEqual(await mqttConnect(mqttPort, FEED_USERNAME, secrets.forgedFeedToken), 'accepted');
  secrets.mqttPassword = 'Some-Device-Mqtt-Password-77';
  await mqttConnect(mqttPort, 'device-user', secrets.mqttPassword);

  const tooShort = await http(httpPort, '/bff/password too short', '/bff/password', post({ currentPassword: initial, newPassword: 'short' }, bff));
  assert.equal(tooShort.res.status, 400);
  const changed = await http(httpPort, '/bff/password', '/bff/password', post({ currentPassword: initial, newPassword }, bff));
  assert.equal(changed.res.status, 204, changed.body);
  const again = await http(httpPort, '/api createSession (new password)', '/api', post({ action: 'createSession', params: { username: 'admin', password: newPassword } }));
  assert.equal(again.json().errorCode, 0);
  again.allow(again.json().authToken);
  const audit = await http(httpPort, 'listAuditLog', '/api', post({ action: 'listAuditLog', authToken: again.json().authToken, params: { maxRecords: 1000 } }));
  audit.allow(again.json().authToken);
  assert.equal(audit.json().errorCode, 0, audit.body);
  assert.ok(audit.json().result.data.length > 0);

  await server.kill('SIGTERM');
  const output = server.output();
  assert.ok(output.length > 1000, `trace-level output was written (${output.length} characters)`);

  for (const [name, secret] of Object.entries(secrets)) {
    assert.ok(!output.includes(secret), `the log holds the ${name}`);
    for (const r of responses) {
      if (r.may.includes(secret)) continue;
      assert.ok(!r.text.includes(secret), `the response to ${r.what} holds the ${name}: ${r.text.slice(0, 500)}`);
    }
  }
  // The database and its WAL hold hashes, never the plaintext.
  for (const file of fs.readdirSync(dataDir).filter((f) => f.startsWith('mqdash.db'))) {
    const bytes = fs.readFileSync(path.join(dataDir, file));
    for (const [name, secret] of Object.entries(secrets)) {
      if (name === 'sessionCookie') continue; // the BFF's sessions live in memory only
      assert.ok(!bytes.includes(Buffer.from(secret)), `${file} holds the ${name} in plaintext`);
    }
  }
});
