/**
 * TLS listeners (issue 12) on the real server: MQTTS_PORT and HTTPS_PORT (dashboard, APIs and
 * MQTT over secure WebSocket) with throwaway certificates made by the openssl CLI; client
 * certificates required and requested, refused when missing or signed by another CA; the
 * certificate's CN as the MQTT user name (TLS_CERT_CN_AS_USERNAME), winning over the CONNECT's;
 * a Secure cookie over HTTPS; PORT=off and MQTT_PORT=off; errors naming the variable; and, on the
 * real process, SIGHUP reloading the certificate without dropping connections. Runs on the engine
 * MQDASH_ENGINE names (run it with MQDASH_ENGINE=mqdash for the own engine).
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { loadConfig } from '../config.ts';
import { startServer, type RunningServer } from '../server.ts';
import { freePort, sleep, spawnServer } from './server-process.ts';
import { TestPki, type CertFiles } from './tls-certs.ts';

const ADMIN = 'tls-admin-password-1';
const dirs: string[] = [];
const temp = (prefix: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
};
const clients = new Set<MqttClient>();
after(async () => {
  await Promise.all([...clients].map((c) => new Promise<void>((r) => c.end(true, {}, () => r()))));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

let pki: TestPki;
let ca: CertFiles;
let server1: CertFiles;
let server2: CertFiles;
let device: CertFiles;
let ghost: CertFiles;
let intruder: CertFiles;
before(() => {
  pki = new TestPki(temp('mqdash-tls-pki-'));
  ca = pki.ca('test-ca');
  const rogue = pki.ca('rogue-ca');
  server1 = pki.issue(ca, 'server1', 'mqdash-first', 'server');
  server2 = pki.issue(ca, 'server2', 'mqdash-renewed', 'server');
  device = pki.issue(ca, 'device-1', 'device-1', 'client');
  ghost = pki.issue(ca, 'ghost', 'ghost', 'client');
  // Same CN as the real device, signed by a CA the server does not trust.
  intruder = pki.issue(rogue, 'intruder', 'device-1', 'client');
});

const read = (f: string) => fs.readFileSync(f);
const clientCert = (c: CertFiles) => ({ cert: read(c.cert), key: read(c.key) });

async function start(args: string[]): Promise<RunningServer> {
  const config = loadConfig(['--host', '127.0.0.1', '--data-dir', temp('mqdash-tls-data-'), '--admin-password', ADMIN, ...args], {});
  return startServer(config, pino({ level: 'silent' }));
}

const tlsArgs = (extra: string[] = []) => ['--tls-cert-file', server1.cert, '--tls-key-file', server1.key, ...extra];

/** Connects; resolves with the client once CONNACK accepted it, rejects with the error (code: reason code) otherwise. */
function connect(url: string, o: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000, ca: read(ca.cert), ...o });
    clients.add(c);
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
    c.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

/** A connect that must not get in: the error it ended with (a CONNACK code, or the TLS alert). */
async function refused(url: string, o: IClientOptions): Promise<Error & { code?: number | string }> {
  try {
    await connect(url, o);
  } catch (err) {
    return err as Error & { code?: number | string };
  }
  assert.fail(`${url} accepted a connection that should have been refused`);
}

/** Subscribes on `sub`, publishes from `pub`, resolves once the message arrives. */
async function relay(pub: MqttClient, sub: MqttClient, topic: string): Promise<void> {
  await sub.subscribeAsync(topic, { qos: 1 });
  const got = new Promise<string>((resolve) => sub.on('message', (t, payload) => {
    if (t === topic) resolve(payload.toString());
  }));
  await pub.publishAsync(topic, 'over tls', { qos: 1 });
  assert.equal(await got, 'over tls');
}

/** An HTTPS request trusting the test CA. */
function request(port: number, pathname: string, o: { method?: string; body?: unknown } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = https.request({
      host: '127.0.0.1', port, path: pathname, method: o.method ?? 'GET', ca: read(ca.cert),
      headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
    }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** The SHA-256 fingerprint of the certificate a TLS port serves to a new connection. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca: read(ca.cert), servername: 'localhost' }, () => {
      const fp = s.getPeerCertificate().fingerprint256;
      s.destroy();
      resolve(fp);
    });
    s.once('error', reject);
  });
}

const fingerprintOf = (file: string) => new X509Certificate(read(file)).fingerprint256;

describe('configuration', () => {
  test('PORT and MQTT_PORT take off; MQTTS_PORT or HTTPS_PORT need TLS_CERT_FILE and TLS_KEY_FILE; errors name the variable', () => {
    const c = loadConfig(['--port', 'off', '--mqtt-port', 'OFF'], {});
    assert.equal(c.port, null);
    assert.equal(c.mqttPort, null);
    assert.equal(loadConfig([], {}).port, 8080);
    assert.throws(() => loadConfig([], { PORT: 'of' }), /--port \(PORT\): must be a port number 0–65535 or off/);
    assert.throws(() => loadConfig([], { MQTTS_PORT: 'off' }), /MQTTS_PORT.*must be a port number 0–65535$/);
    assert.throws(() => loadConfig([], { MQTTS_PORT: '8883' }), /\(TLS_CERT_FILE\): is required when MQTTS_PORT or HTTPS_PORT is set/);
    assert.throws(() => loadConfig([], { HTTPS_PORT: '8443', TLS_CERT_FILE: 'c.pem' }), /\(TLS_KEY_FILE\): is required/);
    assert.throws(() => loadConfig([], { TLS_CLIENT_CERT: 'required' }), /\(TLS_CA_FILE\): is required with TLS_CLIENT_CERT=required/);
    assert.throws(() => loadConfig([], { TLS_CLIENT_CERT: 'sometimes' }), /\(TLS_CLIENT_CERT\): must be none, requested or required/);
    assert.throws(() => loadConfig([], { TLS_CERT_CN_AS_USERNAME: 'true' }), /\(TLS_CERT_CN_AS_USERNAME\): needs TLS_CA_FILE/);
    // A CA file alone means client certificates are required.
    assert.equal(loadConfig([], { TLS_CA_FILE: 'ca.pem' }).tlsClientCert, 'required');
    assert.equal(loadConfig([], {}).tlsClientCert, 'none');
  });

  test('a missing, unreadable or invalid TLS file stops the start with an error naming its variable', async () => {
    const dir = temp('mqdash-tls-bad-');
    const garbage = path.join(dir, 'garbage.pem');
    fs.writeFileSync(garbage, 'not a certificate\n');
    const cases: Array<[string[], RegExp]> = [
      [['--tls-cert-file', path.join(dir, 'missing.crt'), '--tls-key-file', server1.key], /TLS_CERT_FILE \(.*missing\.crt\) cannot be read: ENOENT/],
      [['--tls-cert-file', garbage, '--tls-key-file', server1.key], /TLS_CERT_FILE \(.*\) is not a PEM certificate/],
      [['--tls-cert-file', server1.cert, '--tls-key-file', garbage], /TLS_KEY_FILE \(.*\) is not an unencrypted PEM private key/],
      [['--tls-cert-file', server1.cert, '--tls-key-file', server2.key], /TLS_KEY_FILE \(.*server2\.key\) is not the key of the certificate in TLS_CERT_FILE/],
      [['--tls-cert-file', server1.cert, '--tls-key-file', server1.key, '--tls-ca-file', garbage], /TLS_CA_FILE \(.*\) is not a PEM certificate/],
      [['--tls-cert-file', server1.cert, '--tls-key-file', server1.key, '--tls-ca-file', dir], /TLS_CA_FILE \(.*\) cannot be read: EISDIR/],
    ];
    for (const [files, message] of cases) {
      await assert.rejects(start(['--port', '0', '--mqtt-port', '0', '--mqtts-port', '0', ...files]), message, files.join(' '));
    }
  });
});

describe('client certificates required, CN as user name', () => {
  let s: RunningServer;
  let mqtts: string;
  before(async () => {
    s = await start(['--port', '0', '--mqtt-port', '0', '--mqtts-port', '0', '--https-port', '0',
      ...tlsArgs(['--tls-ca-file', ca.cert, '--tls-client-cert', 'required', '--tls-cert-cn-as-username', 'true'])]);
    mqtts = `mqtts://127.0.0.1:${s.ports.mqtts}`;
    for (const username of ['device-1', 'web-user']) {
      await s.broker.mqttUsers.create({ username, password: `${username}-password`, description: '', enabled: true, createdBy: null });
    }
  });
  after(() => s.close());

  test('a client certificate from the CA gets in, its CN the user name and account, without a password', async () => {
    const c = await connect(mqtts, { clientId: 'cert-client-1', ...clientCert(device) });
    assert.equal(s.broker.registry.get('cert-client-1')?.username, 'device-1');
    assert.deepEqual(s.broker.engine.connectedClients().find((x) => x.clientName === 'cert-client-1')?.account, 'device-1');
    await relay(c, c, 'tls/self');
  });

  test('the certificate wins over the CONNECT\'s user name and password (precedence)', async () => {
    await connect(mqtts, { clientId: 'cert-client-2', username: 'web-user', password: 'wrong', ...clientCert(device) });
    assert.equal(s.broker.registry.get('cert-client-2')?.username, 'device-1');
  });

  test('a certificate whose CN names no account is refused 0x87 once accounts are in use', async () => {
    const err = await refused(mqtts, { clientId: 'ghost-client', ...clientCert(ghost) });
    assert.equal(err.code, 0x87, err.message);
  });

  test('no client certificate, or one from another CA, fails the handshake: nothing reaches MQTT', async () => {
    const before = s.broker.engine.connectedCount();
    const none = await refused(mqtts, { clientId: 'no-cert', username: 'web-user', password: 'web-user-password' });
    assert.match(`${none.code} ${none.message}`, /certificate required|alert|ECONNRESET|EPIPE|closed before CONNACK/i);
    const rogue = await refused(mqtts, { clientId: 'intruder', ...clientCert(intruder) });
    assert.match(`${rogue.code} ${rogue.message}`, /unknown ca|alert|ECONNRESET|EPIPE|closed before CONNACK/i);
    assert.equal(s.broker.registry.get('no-cert'), undefined);
    assert.equal(s.broker.registry.get('intruder'), undefined);
    assert.equal(s.broker.engine.connectedCount(), before);
  });

  test('HTTPS serves the API and MQTT over WSS at /mqtt (no client certificate asked), with a Secure cookie', async () => {
    const health = await request(s.ports.https!, '/healthz');
    assert.equal(health.status, 200);
    const login = await request(s.ports.https!, '/bff/login', { method: 'POST', body: { username: 'admin', password: ADMIN } });
    assert.equal(login.status, 200, login.body);
    assert.match(String(login.headers['set-cookie']), /; Secure/i);
    // The plain HTTP port, still on, gives no Secure cookie.
    const plain = await fetch(`http://127.0.0.1:${s.httpPort}/bff/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN }),
    });
    assert.equal(plain.status, 200);
    assert.doesNotMatch(String(plain.headers.get('set-cookie')), /Secure/i);

    const ws = await connect(`wss://127.0.0.1:${s.ports.https}/mqtt`, { clientId: 'wss-client', username: 'web-user', password: 'web-user-password' });
    const dev = await connect(mqtts, { clientId: 'cert-client-3', ...clientCert(device) });
    await relay(dev, ws, 'tls/to-wss');
    assert.equal(s.broker.registry.get('wss-client')?.username, 'web-user');
  });
});

describe('client certificates requested; PORT=off and MQTT_PORT=off', () => {
  let s: RunningServer;
  let mqtts: string;
  before(async () => {
    s = await start(['--port', 'off', '--mqtt-port', 'off', '--mqtts-port', '0', '--https-port', '0',
      ...tlsArgs(['--tls-ca-file', ca.cert, '--tls-client-cert', 'requested', '--tls-cert-cn-as-username', 'true'])]);
    mqtts = `mqtts://127.0.0.1:${s.ports.mqtts}`;
    await s.broker.mqttUsers.create({ username: 'device-1', password: 'device-1-password', description: '', enabled: true, createdBy: null });
  });
  after(() => s.close());

  test('the plain listeners are off: only MQTTS and HTTPS listen', async () => {
    assert.equal(s.listeners.http, null);
    assert.equal(s.listeners.mqtt, null);
    assert.equal(s.ports.http, null);
    assert.throws(() => s.httpPort, /the HTTP listener \(PORT\) is off/);
    assert.throws(() => s.mqttPort, /the MQTT listener \(MQTT_PORT\) is off/);
    assert.equal((await request(s.ports.https!, '/readyz')).status, 200);
  });

  test('without a certificate the CONNECT\'s user name and password apply; with one, its CN', async () => {
    const byPassword = await connect(mqtts, { clientId: 'pw-client', username: 'device-1', password: 'device-1-password' });
    const wrong = await refused(mqtts, { clientId: 'pw-wrong', username: 'device-1', password: 'nope' });
    assert.equal(wrong.code, 0x86, wrong.message);
    const byCert = await connect(mqtts, { clientId: 'cert-client', ...clientCert(device) });
    assert.equal(s.broker.registry.get('cert-client')?.username, 'device-1');
    await relay(byCert, byPassword, 'tls/requested');
  });

  test('a certificate from another CA is not trusted: its CN is not used (the client is anonymous)', async () => {
    await connect(mqtts, { clientId: 'intruder', ...clientCert(intruder) });
    assert.equal(s.broker.registry.get('intruder')?.username, null);
    assert.equal(s.broker.engine.connectedClients().find((x) => x.clientName === 'intruder')?.account, null);
  });
});

describe('the real process', () => {
  test('a TLS file that cannot be read stops the start (exit 1) with the variable named', async () => {
    const dir = temp('mqdash-tls-start-');
    const proc = spawnServer({
      dataDir: path.join(dir, 'data'), httpPort: await freePort(), mqttPort: await freePort(), adminPassword: ADMIN,
      env: { MQTTS_PORT: String(await freePort()), TLS_CERT_FILE: server1.cert, TLS_KEY_FILE: path.join(dir, 'missing.key'), LOG_LEVEL: 'fatal' },
    });
    assert.equal(await proc.exited, 1);
    assert.match(proc.output(), /mqdash failed to start/);
    assert.match(proc.output(), /TLS_KEY_FILE \(.*missing\.key\) cannot be read: ENOENT/);
  });

  test('SIGHUP reloads the certificate: new connections get the new one, open ones stay; a bad file keeps the one in use', async () => {
    const dir = temp('mqdash-tls-reload-');
    const cert = path.join(dir, 'live.crt');
    const key = path.join(dir, 'live.key');
    fs.copyFileSync(server1.cert, cert);
    fs.copyFileSync(server1.key, key);
    const [httpPort, mqttPort, mqttsPort, httpsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const proc = spawnServer({
      dataDir: path.join(dir, 'data'), httpPort, mqttPort, adminPassword: ADMIN,
      env: { MQTTS_PORT: String(mqttsPort), HTTPS_PORT: String(httpsPort), TLS_CERT_FILE: cert, TLS_KEY_FILE: key },
    });
    try {
      await proc.listening();
      await waitUntil(async () => (await servedFingerprint(mqttsPort).catch(() => null)) !== null && (await servedFingerprint(httpsPort).catch(() => null)) !== null);
      const first = fingerprintOf(server1.cert);
      const renewed = fingerprintOf(server2.cert);
      assert.equal(await servedFingerprint(mqttsPort), first);
      const open = await connect(`mqtts://127.0.0.1:${mqttsPort}`, { clientId: 'long-lived' });
      const wss = await connect(`wss://127.0.0.1:${httpsPort}/mqtt`, { clientId: 'long-lived-wss' });
      let dropped = false;
      open.on('close', () => { dropped = true; });
      wss.on('close', () => { dropped = true; });

      fs.copyFileSync(server2.cert, cert);
      fs.copyFileSync(server2.key, key);
      proc.child.kill('SIGHUP');
      await waitUntil(async () => (await servedFingerprint(mqttsPort)) === renewed);
      await waitUntil(async () => (await servedFingerprint(httpsPort)) === renewed);
      assert.equal(dropped, false, 'an open connection was dropped by the reload');
      await relay(open, wss, 'reload/after');

      // A broken file: logged, and the renewed certificate stays in use.
      fs.writeFileSync(cert, 'broken\n');
      proc.child.kill('SIGHUP');
      await waitUntil(() => Promise.resolve(proc.output().includes('TLS certificate not reloaded')));
      assert.match(proc.output(), /TLS_CERT_FILE \(.*live\.crt\) is not a PEM certificate/);
      assert.equal(await servedFingerprint(mqttsPort), renewed);
      assert.equal(await servedFingerprint(httpsPort), renewed);
      await relay(wss, open, 'reload/after-bad');
      assert.equal(dropped, false);
      assert.equal(proc.child.exitCode, null, 'the server is still running');
    } finally {
      assert.equal(await proc.kill('SIGTERM'), 0, proc.output());
    }
  });
});

/** Polls `check` until it holds (10 s at most). */
async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await sleep(50);
  }
}
