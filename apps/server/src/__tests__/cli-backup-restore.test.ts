/**
 * `mqdash backup` and `mqdash restore` (issue 14), each run as its own process against a broker
 * that is running in this one, on a real SQLite file, with real mqtt.js clients:
 * - a backup taken while QoS 1 traffic flows is one consistent snapshot: it passes SQLite's
 *   integrity and foreign key checks, and the messages it holds for an offline persistent
 *   subscriber are exactly 0..k in order, k at least the last one acknowledged before it began;
 * - a backup of the quiet broker equals the database, every row of every table;
 * - restore refuses while the broker runs, and refuses a damaged or foreign file, changing nothing;
 * - stopped, it restores: the database equals the backup row for row, the one it replaced is kept
 *   aside intact, and the broker started on it delivers the subscriber's messages, none lost.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { createBroker, type Broker } from '@mqdash/broker';
import { allRows, heldMessages, publishInOrder, rowCounts, runCli } from './cli-helpers.ts';

const ADMIN_PASSWORD = 'cli-backup-admin-pw';
const persistent: IClientOptions = { protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff } };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-cli-backup-'));
const dataDir = path.join(dir, 'data');
const dbFile = path.join(dataDir, 'mqdash.db');
const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ broker: Broker; port: number }> {
  // The feed's overview is a retained message, rewritten every 5 s: hourly here, so that a quiet
  // broker writes nothing between the quiet backup and the comparison.
  const broker = await createBroker({ dataDir, adminPassword: ADMIN_PASSWORD, logger: pino({ level: 'silent' }), feed: { overviewMs: 3_600_000 } });
  const port = ((await broker.listenMqtt(0)).address() as net.AddressInfo).port;
  cleanups.push(() => broker.close());
  return { broker, port };
}

async function connect(port: number, clientId: string, opts: IClientOptions, got?: string[]): Promise<MqttClient> {
  const c = mqtt.connect({ host: '127.0.0.1', port, clientId, reconnectPeriod: 0, ...opts });
  // Listening before the CONNACK: a restored queue can arrive in the same chunk.
  if (got) c.on('message', (_t, p) => got.push(p.toString()));
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  cleanups.push(() => c.endAsync(true));
  return c;
}

/** Payloads queued for the subscriber in a database (either engine's tables, cli-helpers.ts). */
function heldFor(file: string, clientId: string): number[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return heldMessages(db, clientId, 'load/%').map((p) => Number(p.toString()));
  } finally {
    db.close();
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test('backup while QoS 1 traffic flows, a second one when quiet, restore, and every row compared', async () => {
  let { broker, port } = await start();
  const token = (await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } })).authToken;
  // Rows in the other tables too: a label, an API key, an MQTT account, session settings.
  for (const [action, params] of [
    ['createLabel', { group: 'site', name: 'north' }], ['createApiKey', { name: 'backup-key' }],
    ['createMqttUser', { username: 'backup-device', password: 'backup-device-pw' }],
  ] as const) assert.equal((await broker.actions.run({ action, params, authToken: token })).errorCode, 0, action);

  // An offline persistent subscriber (its queue grows) and an online one; one publisher, QoS 1, in order.
  const offline = await connect(port, 'backup-offline-sub', persistent);
  await offline.subscribeAsync('load/#', { qos: 1 });
  await offline.endAsync();
  const online: string[] = [];
  const sub = await connect(port, 'backup-online-sub', { protocolVersion: 5 }, online);
  await sub.subscribeAsync('load/#', { qos: 1 });
  const pub = await connect(port, 'backup-publisher', { protocolVersion: 5 });
  const traffic = publishInOrder(pub, 'load/a');
  await traffic.untilAcked(300);

  const during = path.join(dir, 'during.db');
  const ackedBefore = traffic.acked();
  const b1 = await runCli(['backup', during, '--data-dir', dataDir]);
  const ackedAfter = traffic.acked();
  assert.equal(b1.status, 0, b1.stderr);
  assert.match(b1.stdout, /backup written to .*during\.db: .* integrity ok/);
  assert.ok(ackedAfter > ackedBefore, `traffic flowed during the backup (${ackedBefore} → ${ackedAfter} acknowledged)`);
  const acked = await traffic.stop();

  // One consistent snapshot.
  const copy = new Database(during, { readonly: true });
  try {
    assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(copy.pragma('foreign_key_check'), []);
    assert.equal(copy.pragma('journal_mode', { simple: true }), 'delete', 'a single self-contained file');
  } finally {
    copy.close();
  }
  const held = heldFor(during, 'backup-offline-sub');
  assert.deepEqual(held, range(held.length), 'the subscriber\'s messages in the backup are 0..k, in order, none missing or twice');
  assert.ok(held.length >= ackedBefore, `every message acknowledged before the backup began is in it (${held.length} ≥ ${ackedBefore})`);
  assert.ok(held.length <= ackedAfter + 1, `and none published after it ended (${held.length} ≤ ${ackedAfter + 1})`);

  // Quiet: every client gone, the persistence's write-behind written (no write-ahead entry open,
  // the whole queue on disk) and nothing changing. A backup now equals the database, row for row.
  await sub.endAsync();
  await pub.endAsync();
  // Every row unchanged for longer than the registry's one-second stats flush (its counters of the
  // queued messages are written on its tick, after the queue rows themselves).
  for (let previous = '', since = Date.now(); ;) {
    await new Promise((res) => setTimeout(res, 300));
    const rows = allRows(dbFile);
    const now = JSON.stringify(rows);
    if (now !== previous) [previous, since] = [now, Date.now()];
    else if ((rows.mqtt_write_ahead ?? []).length === 0 && Date.now() - since >= 1500) break;
  }
  const quiet = path.join(dir, 'quiet.db');
  const b2 = await runCli(['backup', quiet, '--data-dir', dataDir]);
  assert.equal(b2.status, 0, b2.stderr);
  // A running broker: restore refuses and changes nothing.
  const refused = await runCli(['restore', during, '--data-dir', dataDir]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /is in use by process \d+: stop the mqdash server first/);
  await broker.close();
  const live = allRows(dbFile);
  assert.deepEqual(allRows(quiet), live, `quiet backup vs database (${JSON.stringify(rowCounts(live))})`);
  assert.deepEqual(heldFor(quiet, 'backup-offline-sub'), range(acked), 'the quiet backup holds every message published');

  // Stopped: restore the backup taken under traffic.
  const r = await runCli(['restore', during, '--data-dir', dataDir]);
  assert.equal(r.status, 0, r.stderr);
  const aside = /kept as (\S+)/.exec(r.stdout)?.[1];
  assert.ok(aside && fs.existsSync(aside), r.stdout);
  assert.deepEqual(allRows(dbFile), allRows(during), 'the restored database is the backup, every row of every table');
  assert.deepEqual(allRows(aside), live, 'the database it replaced is kept aside, intact');

  // The broker on the restored database: the subscriber gets exactly what the backup held.
  ({ broker, port } = await start());
  const got: string[] = [];
  await connect(port, 'backup-offline-sub', persistent, got);
  const deadline = Date.now() + 30_000;
  while (got.length < held.length && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
  assert.deepEqual(got.map(Number), held);
  const keys = await broker.actions.run({ action: 'listApiKeys', params: {}, authToken: (await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } })).authToken });
  assert.deepEqual((keys.result as { data: Array<{ name: string }> }).data.map((k) => k.name), ['backup-key']);
});

test('restore refuses a damaged backup and a database of another application, and changes nothing', async () => {
  const before = fs.readFileSync(dbFile);
  const damaged = path.join(dir, 'damaged.db');
  const good = fs.readFileSync(path.join(dir, 'during.db'));
  // Garbage over a page in the middle: the header is fine, the b-tree is not.
  const bad = Buffer.from(good);
  bad.fill(0x5a, 4096 * 3, 4096 * 4);
  fs.writeFileSync(damaged, bad);
  const r1 = await runCli(['restore', damaged, '--data-dir', dataDir]);
  assert.equal(r1.status, 1);
  assert.match(r1.stderr, /failed SQLite's integrity check|malformed/);

  const foreign = path.join(dir, 'foreign.db');
  const f = new Database(foreign);
  f.exec('CREATE TABLE notes (x TEXT)');
  f.close();
  const r2 = await runCli(['restore', foreign, '--data-dir', dataDir]);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /is not an mqdash database/);

  const r3 = await runCli(['restore', path.join(dir, 'missing.db'), '--data-dir', dataDir]);
  assert.equal(r3.status, 1);
  assert.match(r3.stderr, /missing\.db does not exist/);
  assert.ok(fs.readFileSync(dbFile).equals(before), 'the database is untouched');

  const r4 = await runCli(['backup', path.join(dir, 'quiet.db'), '--data-dir', dataDir]);
  assert.equal(r4.status, 1);
  assert.match(r4.stderr, /exists already/, 'a backup never overwrites a file');
  const r5 = await runCli(['backup', '--data-dir', dataDir]);
  assert.equal(r5.status, 2);
  assert.match(r5.stderr, /backup takes one file name/);
});
