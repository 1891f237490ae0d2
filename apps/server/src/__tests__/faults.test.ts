/**
 * Storage faults, with the real server process: a full disk (the server run under `ulimit -f`, so
 * its database files cannot grow: writes fail with EFBIG as on a full file system), a read-only data
 * folder (the server run as another user on a root-owned 0755 folder, DESIGN §8), a file of random
 * bytes, a damaged mqdash database and another application's SQLite database in place of mqdash.db.
 * The server says what is wrong in words, refuses the writes (or the start, with a non-zero exit)
 * and never corrupts or overwrites the data that is there.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { api, freePort, integrityCheck, login, sleep, spawnServer, type ServerOptions, type ServerProcess } from './server-process.ts';

const ADMIN_PASSWORD = 'faults-admin-pw';
const dirs: string[] = [];
const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.kill('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-faults-'));
  dirs.push(d);
  return d;
}

async function ports(): Promise<{ mqttPort: number; httpPort: number }> {
  return { mqttPort: await freePort(), httpPort: await freePort() };
}

function spawn(o: Omit<ServerOptions, 'adminPassword'>): ServerProcess {
  const s = spawnServer({ adminPassword: ADMIN_PASSWORD, ...o });
  servers.push(s);
  return s;
}

const sha1 = (file: string) => crypto.createHash('sha1').update(fs.readFileSync(file)).digest('hex');

const persistent5: IClientOptions = { protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff } };

function connect(port: number, clientId: string, opts: IClientOptions, got?: string[]): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect({ host: '127.0.0.1', port, clientId, reconnectPeriod: 0, connectTimeout: 10_000, ...opts });
    if (got) c.on('message', (_t, p) => got.push(p.toString()));
    c.on('error', () => {});
    c.once('connect', () => resolve(c));
    c.once('close', () => reject(new Error(`${clientId}: closed before CONNACK`)));
  });
}
const end = (c: MqttClient) => new Promise<void>((r) => c.end(false, {}, () => r()));

/** A data folder with a real mqdash database: an admin, a persistent subscriber, a session with metadata. */
async function seededDataDir(): Promise<{ dataDir: string; file: string }> {
  const dataDir = tempDir();
  const p = await ports();
  const s = spawn({ dataDir, ...p });
  await s.listening();
  const sub = await connect(p.mqttPort, 'fault-sub', persistent5);
  await sub.subscribeAsync('fault/#', { qos: 1 });
  await end(sub);
  await end(await connect(p.mqttPort, 'fault-target', persistent5));
  const token = await login(p.httpPort, ADMIN_PASSWORD);
  const r = await api(p.httpPort, { action: 'alterMqSession', authToken: token, params: { clientName: 'fault-target', metadata: { version: 'before' } } });
  assert.equal(r.errorCode, 0, JSON.stringify(r));
  const pub = await connect(p.mqttPort, 'fault-pub', { protocolVersion: 5 });
  for (let i = 0; i < 20; i++) await pub.publishAsync('fault/a', `before ${i}`, { qos: 1 });
  await end(pub);
  assert.equal(await s.kill('SIGTERM'), 0);
  return { dataDir, file: path.join(dataDir, 'mqdash.db') };
}

async function expectRefusedStart(dataDir: string, message: RegExp, o: Partial<ServerOptions> = {}): Promise<string> {
  const s = spawn({ dataDir, ...(await ports()), ...o });
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([s.exited, new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), 60_000); })]);
  clearTimeout(timer);
  assert.notEqual(code, 'timeout', 'the server stops at once');
  assert.notEqual(code, 0, 'with a non-zero exit code');
  assert.notEqual(code, null);
  assert.match(s.output(), message);
  return s.output();
}

test('a file of random bytes in place of the database: a clear error, a non-zero exit, the file untouched', async () => {
  const dataDir = tempDir();
  const file = path.join(dataDir, 'mqdash.db');
  fs.writeFileSync(file, crypto.randomBytes(64 * 1024));
  const before = sha1(file);
  await expectRefusedStart(dataDir, /mqdash\.db is not an SQLite database \(damaged, or another kind of file\); refusing to use or overwrite it/);
  assert.equal(sha1(file), before);
  assert.deepEqual(fs.readdirSync(dataDir), ['mqdash.db']);
});

test("another application's SQLite database in place of mqdash.db: refused at start and left exactly as it was", async () => {
  const dataDir = tempDir();
  const file = path.join(dataDir, 'mqdash.db');
  const other = new Database(file);
  other.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoices (amount) VALUES (12.5), (99);");
  other.close();
  const before = sha1(file);
  await expectRefusedStart(dataDir, /is not an mqdash database \(application_id 0, 1 tables of another application\); refusing to use or change it/);
  assert.equal(sha1(file), before, 'not even switched to WAL');
  const check = new Database(file, { readonly: true });
  assert.deepEqual(check.prepare('SELECT amount FROM invoices ORDER BY id').all(), [{ amount: 12.5 }, { amount: 99 }]);
  assert.deepEqual(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all(), [{ name: 'invoices' }]);
  check.close();
});

test('a damaged mqdash database (overwritten pages): a clear error naming the damage, a non-zero exit, the file untouched', async () => {
  const { dataDir, file } = await seededDataDir();
  // Overwrite everything after the first page (the schema page stays readable).
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, crypto.randomBytes(size - 4096), 0, size - 4096, 4096);
  fs.closeSync(fd);
  const before = sha1(file);
  await expectRefusedStart(dataDir, /the database file is damaged \(restore a backup\)|is not an SQLite database/);
  assert.equal(sha1(file), before);
});

test('a read-only data folder: the server refuses to start, says why, and the database stays intact', async (t) => {
  const { dataDir, file } = await seededDataDir();
  const before = sha1(file);
  let prefix: string[] = [];
  if (process.getuid?.() === 0) {
    // As root, chmod cannot make a folder read-only (DESIGN §8): run the server as nobody on the root-owned 0755 folder.
    fs.chmodSync(dataDir, 0o755);
    prefix = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];
  } else {
    fs.chmodSync(dataDir, 0o555);
    t.after(() => fs.chmodSync(dataDir, 0o755));
  }
  await expectRefusedStart(dataDir, /the data folder .* or its database mqdash\.db is not writable by this process \(uid \d+\): mqdash writes its database there and does not start read-only/, { prefix });
  assert.equal(sha1(file), before);
  assert.equal(integrityCheck(file), 'ok');
});

test('a full disk: admin changes and QoS 1 messages are refused with a clear error, the server keeps serving reads, nothing acknowledged is lost', async () => {
  const { dataDir, file } = await seededDataDir();
  const p = await ports();
  // The database files may grow to ~1 MB beyond the current database: then writes fail (EFBIG), as on a full disk.
  const limitKb = Math.ceil(fs.statSync(file).size / 1024) + 1024;
  const s = spawn({ dataDir, ...p, shellPrelude: `ulimit -f ${limitKb}` });
  await s.listening();
  const token = await login(p.httpPort, ADMIN_PASSWORD);

  // Admin changes with 60 KB of metadata each, until the disk is full.
  let lastAcked: string | null = null;
  let refusal: any = null;
  for (let i = 0; i < 200 && !refusal; i++) {
    const version = `v${i}-${'x'.repeat(60_000)}`;
    const r = await api(p.httpPort, { action: 'alterMqSession', authToken: token, params: { clientName: 'fault-target', metadata: { version } } });
    if (r.errorCode === 0) lastAcked = version;
    else refusal = r;
  }
  assert.ok(refusal, 'a change is refused once the disk is full');
  assert.ok(lastAcked, 'changes were accepted before that');
  assert.equal(refusal.errorCode, 14099);
  assert.match(refusal.errorMessage, /^alterMqSession could not be saved: the (disk holding the database is full|database could not be written: the disk reported an I\/O error).*; nothing was changed$/);
  // Still full: refused again, the same way.
  const again = await api(p.httpPort, { action: 'alterMqSession', authToken: token, params: { clientName: 'fault-target', metadata: { version: `again-${'y'.repeat(60_000)}` } } });
  assert.equal(again.errorCode, 14099);

  // QoS 1 messages for the persistent subscriber: refused (PUBACK 0x87 with the reason), never acknowledged and lost.
  const acked: string[] = [];
  let mqttRefusal: string | null = null;
  const pub = await connect(p.mqttPort, 'fault-pub-full', { protocolVersion: 5 });
  for (let i = 0; i < 400 && !mqttRefusal; i++) {
    const payload = `full ${i} ${'m'.repeat(30_000)}`;
    try {
      const packet = await pub.publishAsync('fault/a', payload, { qos: 1 });
      const code = (packet as { reasonCode?: number } | undefined)?.reasonCode ?? 0;
      if (code < 0x80) acked.push(payload);
      else mqttRefusal = `0x${code.toString(16)}`;
    } catch (err) {
      mqttRefusal = (err as Error).message;
    }
  }
  assert.ok(mqttRefusal, 'a QoS 1 message is refused once the disk is full');
  pub.end(true);

  // Reads still work.
  const list = await api(p.httpPort, { action: 'listMqSessions', authToken: token, params: {} });
  assert.equal(list.errorCode, 0, JSON.stringify(list).slice(0, 300));
  // The log says what is wrong, in words.
  await sleep(200);
  assert.match(s.output(), /alterMqSession could not be saved: the (disk holding the database is full|database could not be written: the disk reported an I\/O error)/);
  assert.match(s.output(), /MQTT state could not be written: the (disk holding the database is full|database could not be written)/);

  // The machine goes down while full; then space comes back.
  if (process.env.FAULTS_SHOW_LOG) console.log(s.output().split('\n').slice(0, 6).join('\n'));
  await s.kill('SIGKILL');
  assert.equal(integrityCheck(file), 'ok', 'the database is sound');
  const s2 = spawn({ dataDir, ...p });
  await s2.listening();
  const token2 = await login(p.httpPort, ADMIN_PASSWORD);
  const d = await api(p.httpPort, { action: 'describeMqSessions', authToken: token2, params: { clientNames: ['fault-target'], includeStats: false } });
  assert.equal(d.errorCode, 0);
  assert.equal(d.result.data[0].metadata.version, lastAcked, 'the last acknowledged change is there, nothing after it');
  const got: string[] = [];
  const sub = await connect(p.mqttPort, 'fault-sub', persistent5, got);
  const expected = [...Array.from({ length: 20 }, (_, i) => `before ${i}`), ...acked];
  const deadline = Date.now() + 20_000;
  while (expected.some((m) => !got.includes(m)) && Date.now() < deadline) await sleep(100);
  assert.deepEqual(expected.filter((m) => !got.includes(m)).map((m) => m.slice(0, 20)), [], 'every acknowledged message arrives');
  await end(sub);
  assert.equal(await s2.kill('SIGTERM'), 0);
  assert.equal(integrityCheck(file), 'ok');
});
