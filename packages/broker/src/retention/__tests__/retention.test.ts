/**
 * The retention policy (issue 14) on a real broker and SQLite file, with sessions made by real
 * mqtt.js clients and the JSON actions, and a clock this test controls (the sessions are real and
 * recent; the policy's clock is moved forward days at a time):
 * - the dry run counts by kind and removes nothing; disabled, a run removes nothing;
 * - enabled, it removes offline temporary and inactive sessions past N days; permanent ones only
 *   when the policy names them; never banned or connected ones; the MQTT state of a removed
 *   session is gone (its queue, its subscription);
 * - it bounds the audit log by age and by size; it reports in the audit log, the policy's last
 *   run and the overview; it yields to the event loop between batches.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { createBroker, type Broker } from '../../index.ts';
import { newSessionDefaults } from '../../registry/registry.ts';
import type { SqliteStore } from '../../store/sqlite-store.ts';

const DAY = 86_400_000;
const ADMIN_PASSWORD = 'retention-admin-pw';
const permanent: IClientOptions = { protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff } };
/** Temporary (it has an expiry), but one that lasts past the test: only retention removes it here. */
const temporary: IClientOptions = { protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 90 * 86_400 } };

let dir: string;
let broker: Broker;
let port: number;
let token: string;
/** The policy's clock: stands still unless a test moves it (`at(days)`: that many days from the real now). */
let frozen = Date.now();
const clock = () => frozen;
const at = (days: number) => { frozen = Date.now() + days * DAY; };
const clients: MqttClient[] = [];

async function connect(clientId: string, opts: IClientOptions): Promise<MqttClient & { sessionPresent: boolean }> {
  const c = mqtt.connect({ host: '127.0.0.1', port, clientId, reconnectPeriod: 0, ...opts });
  clients.push(c);
  c.on('error', () => {});
  return new Promise((resolve, reject) => {
    c.once('connect', (ack) => resolve(Object.assign(c, { sessionPresent: !!ack.sessionPresent })));
    c.once('error', reject);
  });
}

async function ok(action: string, params: Record<string, unknown> = {}): Promise<any> {
  const r = await broker.actions.run({ action, params, authToken: token });
  assert.equal(r.errorCode, 0, `${action}: ${r.errorMessage}`);
  return r.result;
}

const names = async () => ((await ok('listMqSessions', { sessionStatusFilter: ['normal', 'hidden', 'banned', 'inactive'], maxRecords: 1000 })).data as Array<{ clientName: string }>)
  .map((r) => r.clientName).filter((n) => n.startsWith('rt-')).sort();

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-retention-'));
  broker = await createBroker({
    dataDir: dir, adminPassword: ADMIN_PASSWORD, logger: pino({ level: 'silent' }),
    // Runs only when this test asks (retention.run()), on this test's clock.
    retention: { now: clock, firstRunDelayMs: 3_600_000, idWindow: 50, batch: 5 },
  });
  port = ((await broker.listenMqtt(0)).address() as net.AddressInfo).port;
  token = (await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } })).authToken!;

  // Offline: a temporary session, a permanent one with a subscription and queued QoS 1 messages,
  // one marked inactive, one banned. Online: one that stays connected. And an MQ API session never used.
  await (await connect('rt-temp', temporary)).endAsync();
  const perm = await connect('rt-perm', permanent);
  await perm.subscribeAsync('rt/perm', { qos: 1 });
  await perm.endAsync();
  const pub = await connect('rt-pub', { protocolVersion: 5 });
  for (let i = 0; i < 3; i++) await pub.publishAsync('rt/perm', `queued ${i}`, { qos: 1 });
  await pub.endAsync();
  await (await connect('rt-inactive', permanent)).endAsync();
  await ok('deleteMqSession', { clientName: 'rt-inactive', permanentlyDeleteSession: false });
  await (await connect('rt-banned', permanent)).endAsync();
  await ok('alterMqSession', { clientName: 'rt-banned', sessionStatus: 'banned' });
  await connect('rt-online', permanent);
  await ok('createMqApiSession', { clientName: 'rt-api', temporarySession: false });
  assert.deepEqual(await names(), ['rt-api', 'rt-banned', 'rt-inactive', 'rt-online', 'rt-perm', 'rt-temp']);
});

after(async () => {
  for (const c of clients) await c.endAsync(true);
  await broker.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the dry run counts what would go by kind, and neither it nor a disabled policy removes anything', async () => {
  at(40);
  const info = await ok('describeRetentionPolicy');
  assert.equal(info.source, 'default');
  assert.equal(info.policy.enabled, false);
  assert.equal(info.lastRun, null);

  const p = await ok('previewRetention');
  assert.deepEqual(p.wouldRemove, { temporarySessions: 1, inactiveSessions: 1, permanentSessions: 0, auditLogEntries: 0, sessionEvents: 0, queuedMessages: 0 });
  assert.equal(p.permanentSessionsKept, 2, 'rt-perm and rt-api are as old, and kept');
  assert.equal(p.bannedSessionsKept, 1);
  assert.equal(new Date(p.sessionsCutoffDateTime).getTime(), clock() - 30 * DAY);
  const withPermanent = await ok('previewRetention', { includePermanentSessions: true, auditLogMaxEntries: 1 });
  assert.equal(withPermanent.wouldRemove.permanentSessions, 2);
  const entries = (await ok('listAuditLog', { maxRecords: 1000 })).data.length;
  assert.ok(entries >= 3);
  assert.equal(withPermanent.wouldRemove.auditLogEntries, entries - 1, 'every audit entry but the newest');
  // 29 days: nothing is old enough yet.
  at(29);
  assert.deepEqual((await ok('previewRetention', { includePermanentSessions: true })).wouldRemove, { temporarySessions: 0, inactiveSessions: 0, permanentSessions: 0, auditLogEntries: 0, sessionEvents: 0, queuedMessages: 0 });

  at(40);
  assert.equal(await broker.core.retention.run(), null, 'disabled: no run');
  assert.deepEqual(await names(), ['rt-api', 'rt-banned', 'rt-inactive', 'rt-online', 'rt-perm', 'rt-temp']);
  assert.equal((await ok('describeRetentionPolicy')).policy.includePermanentSessions, false, 'the preview changed nothing stored');
});

test('enabled, it removes the old offline temporary and inactive sessions, keeping permanent, banned and connected ones', async () => {
  const info = await ok('alterRetentionPolicy', { enabled: true });
  assert.equal(info.source, 'dashboard');
  assert.equal(info.updatedBy, 'admin');
  assert.ok(info.nextRunDateTime, 'a run is scheduled');
  const run = await broker.core.retention.run();
  assert.deepEqual(run?.removed, { temporarySessions: 1, inactiveSessions: 1, permanentSessions: 0, auditLogEntries: 0, sessionEvents: 0, queuedMessages: 0 });
  assert.deepEqual(await names(), ['rt-api', 'rt-banned', 'rt-online', 'rt-perm']);

  const entry = (await ok('listAuditLog', { target: 'retention', maxRecords: 5 })).data[0];
  assert.equal(entry.action, 'runRetention');
  assert.equal(entry.actor, 'retention');
  assert.deepEqual(entry.details.removed, run!.removed);
  assert.deepEqual((await ok('describeRetentionPolicy')).lastRun, run);
  assert.deepEqual((await ok('getOverview', { historyMinutes: 0 })).retention, run, 'the overview reports the last run');
});

test('permanent sessions go only once the policy names them, with their MQTT state; the ban and the connection hold', async () => {
  await ok('alterRetentionPolicy', { includePermanentSessions: true });
  const run = await broker.core.retention.run();
  assert.deepEqual(run?.removed, { temporarySessions: 0, inactiveSessions: 0, permanentSessions: 2, auditLogEntries: 0, sessionEvents: 0, queuedMessages: 0 });
  assert.deepEqual(await names(), ['rt-banned', 'rt-online']);

  // rt-perm's queue and subscription went with it: back, it finds no session and receives nothing.
  const got: string[] = [];
  const back = await connect('rt-perm', permanent);
  back.on('message', (_t, p) => got.push(p.toString()));
  assert.equal(back.sessionPresent, false);
  const pub = await connect('rt-pub2', { protocolVersion: 5 });
  await pub.publishAsync('rt/perm', 'after removal', { qos: 1 });
  const probe = await connect('rt-probe', { protocolVersion: 5 });
  await probe.subscribeAsync('rt/perm', { qos: 1 });
  const seen = new Promise<string>((resolve) => probe.once('message', (_t, p) => resolve(p.toString())));
  await pub.publishAsync('rt/perm', 'routed', { qos: 1 });
  assert.equal(await seen, 'routed', 'messages on the topic are routed (to the probe)');
  assert.deepEqual(got, [], 'nothing queued was left for rt-perm, and its subscription is gone');
  await Promise.all([back.endAsync(), pub.endAsync(), probe.endAsync()]);

  // The banned session stays, so its ban holds.
  const refused = await connect('rt-banned', permanent).then(() => 'accepted', (err: Error & { code?: number }) => err.code);
  assert.equal(refused, 0x8a);
});

test('it removes session timeline events older than sessionEventsMaxAgeDays, on its own clock, and keeps the sessions', async () => {
  const db = (broker.store as SqliteStore).db;
  const total = () => db.prepare('SELECT count(*) FROM session_events').pluck().get() as number;
  const events = total();
  assert.ok(events >= 2, `the connects so far are in the timeline (${events})`);
  assert.ok(broker.store.sessionEvents('rt-online', 10).length >= 1);
  await ok('alterRetentionPolicy', { sessionEventsMaxAgeDays: 10 });
  // 9 days on: none is old enough; 11 days on: all are.
  at(9);
  assert.equal((await ok('previewRetention')).wouldRemove.sessionEvents, 0);
  assert.equal((await broker.core.retention.run())?.removed.sessionEvents, 0);
  at(11);
  assert.equal((await ok('previewRetention')).wouldRemove.sessionEvents, events);
  assert.equal((await ok('previewRetention', { sessionEventsMaxAgeDays: 0 })).wouldRemove.sessionEvents, 0, '0: no age limit');
  const run = await broker.core.retention.run();
  assert.equal(run?.removed.sessionEvents, events, JSON.stringify(run));
  assert.equal(total(), 0);
  assert.deepEqual(broker.store.sessionEvents('rt-online', 10), []);
  assert.deepEqual(await names(), ['rt-banned', 'rt-online', 'rt-perm'], 'the sessions stay (11 days are not 30)');
  // A new event (at the real now) is younger than the cutoff of the policy's clock at 5 days on.
  await (await connect('rt-perm', permanent)).endAsync();
  at(5);
  assert.equal((await broker.core.retention.run())?.removed.sessionEvents, 0);
  assert.ok(total() >= 1);
});

test('it bounds the audit log by age and by size', async () => {
  const before = (await ok('listAuditLog', { maxRecords: 1000 })).data.length;
  assert.ok(before >= 8, `${before} entries`);
  // By size: the newest 3 stay (and the run's own report comes after them).
  await ok('alterRetentionPolicy', { auditLogMaxEntries: 3 });
  const run = await broker.core.retention.run();
  assert.equal(run?.removed.auditLogEntries, before + 1 - 3, 'the alterRetentionPolicy entry counted too');
  const left = (await ok('listAuditLog', { maxRecords: 1000 })).data;
  assert.equal(left.length, 4);
  assert.equal(left[0].action, 'runRetention');
  assert.equal(left[1].action, 'alterRetentionPolicy');

  // By age: 400 days on, every entry so far is older than 365 days.
  at(400);
  await ok('alterRetentionPolicy', { auditLogMaxEntries: 0, auditLogMaxAgeDays: 365 });
  const aged = await broker.core.retention.run();
  assert.equal(aged!.removed.auditLogEntries, 5, JSON.stringify(aged));
  const remaining = (await ok('listAuditLog', { maxRecords: 1000 })).data;
  assert.deepEqual(remaining.map((e: { action: string }) => e.action), ['runRetention'], 'only the report of this run');
});

test('a run removes sessions in small batches and yields to the event loop between them', async () => {
  at(400);
  const store = broker.store;
  store.transaction(() => {
    for (let i = 0; i < 200; i++) store.insertSession({ ...newSessionDefaults(`rt-bulk-${i}`, 'mqtt', Date.now()), temporary: true, sessionExpiry: 3600 });
  });
  let removedSoFar = 0;
  const onRemoved = () => { removedSoFar++; };
  broker.registry.on('removed', onRemoved);
  try {
    const running = broker.core.retention.run();
    // Turns of the event loop while it runs: each sees more removed, none sees it done at once.
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setImmediate(r));
      seen.push(removedSoFar);
    }
    const run = await running;
    assert.equal(run?.removed.temporarySessions, 200);
    assert.ok(seen[0]! < 200, `other work ran before the run ended (${seen.join(', ')})`);
    assert.ok(new Set(seen).size > 3, `the run advanced between turns (${seen.join(', ')})`);
  } finally {
    broker.registry.off('removed', onRemoved);
  }
  assert.deepEqual(await names(), ['rt-banned', 'rt-online']);
});

test('bad policy values are refused with the property named, and change nothing', async () => {
  const before = (await ok('describeRetentionPolicy')).policy;
  for (const [params, property] of [
    [{}, 'params.enabled'], [{ sessionsNotConnectedForDays: 0 }, 'params.sessionsNotConnectedForDays'],
    [{ sessionsNotConnectedForDays: 1.5 }, 'params.sessionsNotConnectedForDays'], [{ enabled: 'yes' }, 'params.enabled'],
    [{ auditLogMaxEntries: -1 }, 'params.auditLogMaxEntries'], [{ queuedMessagesMaxAgeDays: 36_501 }, 'params.queuedMessagesMaxAgeDays'],
    [{ sessionEventsMaxAgeDays: -1 }, 'params.sessionEventsMaxAgeDays'], [{ sessionEventsMaxAgeDays: 36_501 }, 'params.sessionEventsMaxAgeDays'],
  ] as const) {
    const r = await broker.actions.run({ action: 'alterRetentionPolicy', params, authToken: token });
    assert.notEqual(r.errorCode, 0, JSON.stringify(params));
    assert.equal(r.errorData?.property, property, `${JSON.stringify(params)}: ${r.errorMessage}`);
  }
  const byKey = await broker.actions.run({ action: 'alterRetentionPolicy', params: { enabled: false } }, { source: 'emqx', principal: 'apikey:x', principalRole: 'administrator' });
  assert.equal(byKey.errorCode, 14009);
  assert.match(byKey.errorMessage, /for administrator accounts .* not for an API key/);
  assert.deepEqual((await ok('describeRetentionPolicy')).policy, before);
  const queued = await ok('previewRetention', { queuedMessagesMaxAgeDays: 7 });
  assert.deepEqual(queued.notes, []);
  assert.equal(new Date(queued.queuedMessagesCutoffDateTime).getTime(), clock() - 7 * DAY);
  assert.equal(queued.wouldRemove.queuedMessages, 0, 'no offline session has a queue left (retention-queued.test.ts tests the purge)');
});
