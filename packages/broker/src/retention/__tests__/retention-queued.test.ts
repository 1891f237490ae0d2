/**
 * Retention's purge of queued messages (issue 14, `queuedMessagesMaxAgeDays`) on both MQTT engines,
 * with a real broker and SQLite file, real mqtt.js subscribers that go offline, and a policy clock
 * this test controls (the messages are queued at the real now; the policy's clock is moved to a
 * point between two batches, days later):
 * - the dry run counts only the older batch, and 0 turns it off; a disabled policy removes nothing;
 * - a run removes them in batches (other work runs between them) from memory and from the
 *   engine's tables (aedes `mqtt_outgoing`, the own engine's `mqdash_messages`), reports them in
 *   the audit log, the last run and the overview, and lowers the sessions' backlog;
 * - after a restart on the same folder the subscribers get the newer messages only;
 * - a connected subscriber gets every message.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { createBroker, type Broker } from '../../index.ts';
import type { EngineKind } from '../../engine/engine-kind.ts';
import type { SqliteStore } from '../../store/sqlite-store.ts';

const DAY = 86_400_000;
const ADMIN_PASSWORD = 'retention-queued-admin-pw';
const permanent: IClientOptions = { protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff } };
const OLD_A = 60;
const OLD_B = 2;
const NEW_A = 2;

/** Resolves once `check` holds, looking again at each turn of the event loop (up to `ms`). */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

for (const engine of ['aedes', 'mqdash'] as EngineKind[]) {
  describe(`queued messages older than queuedMessagesMaxAgeDays, ${engine} engine`, () => {
    let dir: string;
    let broker: Broker;
    let port: number;
    let token: string;
    let frozen = Date.now();
    const clock = () => frozen;
    const clients: MqttClient[] = [];
    /** Between the old batch and the new one (epoch ms). */
    let between = 0;
    const table = engine === 'aedes' ? 'mqtt_outgoing' : 'mqdash_messages';
    const rows = () => ((broker.store as SqliteStore).db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number);

    const start = async () => {
      broker = await createBroker({
        dataDir: dir, adminPassword: ADMIN_PASSWORD, logger: pino({ level: 'silent' }), mqtt: { engine },
        retention: { now: clock, firstRunDelayMs: 3_600_000, batch: 5 },
      });
      port = ((await broker.listenMqtt(0)).address() as net.AddressInfo).port;
      token = (await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } })).authToken!;
    };

    async function connect(clientId: string, opts: IClientOptions): Promise<MqttClient> {
      const c = mqtt.connect({ host: '127.0.0.1', port, clientId, reconnectPeriod: 0, ...opts });
      clients.push(c);
      c.on('error', () => {});
      return new Promise((resolve, reject) => {
        c.once('connect', () => resolve(c));
        c.once('error', reject);
      });
    }

    async function ok(action: string, params: Record<string, unknown> = {}): Promise<any> {
      const r = await broker.actions.run({ action, params, authToken: token });
      assert.equal(r.errorCode, 0, `${action}: ${r.errorMessage}`);
      return r.result;
    }

    const backlogOf = async (clientName: string): Promise<number> => (await ok('describeMqSessions', { clientNames: [clientName], includeStats: true })).data[0].stats.currentDeliveryBacklogged;
    /** What the connected subscriber received. */
    const online: string[] = [];

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `mqdash-retention-queued-${engine}-`));
      await start();
      for (const [id, topic] of [['rq-a', 'rq/a'], ['rq-b', 'rq/b']] as const) {
        const c = await connect(id, permanent);
        await c.subscribeAsync(topic, { qos: 1 });
        await c.endAsync();
      }
      // Connected all along: its queue (if any) is never purged, and it gets everything.
      const live = await connect('rq-online', permanent);
      live.on('message', (_t, p) => online.push(p.toString()));
      await live.subscribeAsync('rq/a', { qos: 1 });
      const pub = await connect('rq-pub', { protocolVersion: 5 });
      for (let i = 0; i < OLD_A; i++) await pub.publishAsync('rq/a', `old ${i}`, { qos: 1 });
      for (let i = 0; i < OLD_B; i++) await pub.publishAsync('rq/b', `old b ${i}`, { qos: 1 });
      await until(() => broker.engine.queuedMessages() === OLD_A + OLD_B, `the old batch queued (${broker.engine.queuedMessages()})`);
      between = Date.now() + 1;
      await until(() => Date.now() > between, 'the clock to pass the boundary');
      for (let i = 0; i < NEW_A; i++) await pub.publishAsync('rq/a', `new ${i}`, { qos: 1 });
      await until(() => broker.engine.queuedMessages() === OLD_A + OLD_B + NEW_A, 'the new batch queued');
      await until(() => rows() === OLD_A + OLD_B + NEW_A, `every queued message written (${rows()} rows)`);
      await pub.endAsync();
    });

    after(async () => {
      for (const c of clients) await c.endAsync(true);
      await broker.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('the dry run counts the messages queued before the cutoff for offline sessions; off and disabled remove nothing', async () => {
      frozen = between + 2 * DAY; // cutoff at 2 days: between the batches
      const p = await ok('previewRetention', { queuedMessagesMaxAgeDays: 2 });
      assert.equal(p.wouldRemove.queuedMessages, OLD_A + OLD_B);
      assert.equal(new Date(p.queuedMessagesCutoffDateTime).getTime(), between);
      assert.equal((await ok('previewRetention', { queuedMessagesMaxAgeDays: 0 })).wouldRemove.queuedMessages, 0, '0 is off');
      assert.equal((await ok('previewRetention', { queuedMessagesMaxAgeDays: 3 })).wouldRemove.queuedMessages, 0, 'none is 3 days old');
      frozen = Date.now() + 10 * DAY;
      assert.equal((await ok('previewRetention', { queuedMessagesMaxAgeDays: 2 })).wouldRemove.queuedMessages, OLD_A + OLD_B + NEW_A);
      assert.equal((await ok('previewRetention')).wouldRemove.queuedMessages, 0, 'the stored policy (default 0) removes none');

      await ok('alterRetentionPolicy', { queuedMessagesMaxAgeDays: 2 });
      assert.equal(await broker.core.retention.run(), null, 'disabled: no run');
      assert.equal(broker.engine.queuedMessages(), OLD_A + OLD_B + NEW_A);
      assert.equal(rows(), OLD_A + OLD_B + NEW_A);
    });

    test('a run removes them in batches, from memory and the tables, and reports them', async () => {
      frozen = between + 2 * DAY;
      await ok('alterRetentionPolicy', { enabled: true });
      const running = broker.core.retention.run();
      const seen: number[] = [];
      for (let i = 0; i < 8; i++) {
        await new Promise((r) => setImmediate(r));
        seen.push(broker.engine.queuedMessages());
      }
      const run = await running;
      assert.equal(run?.removed.queuedMessages, OLD_A + OLD_B, JSON.stringify(run));
      assert.equal(run?.removed.temporarySessions, 0);
      assert.ok(seen[0]! > NEW_A, `other work ran before the run ended (${seen.join(', ')})`);
      assert.ok(new Set(seen).size > 2, `the run advanced between turns (${seen.join(', ')})`);
      assert.equal(broker.engine.queuedMessages(), NEW_A);
      assert.equal(await backlogOf('rq-a'), NEW_A, 'the session page shows the lower backlog');
      assert.equal(await backlogOf('rq-b'), 0);
      assert.equal(await backlogOf('rq-online'), 0);
      await until(() => online.length === OLD_A + NEW_A, `the connected subscriber's messages (${online.length})`);
      await until(() => rows() === NEW_A, `the rows deleted (${rows()} left)`);

      const entry = (await ok('listAuditLog', { target: 'retention', maxRecords: 5 })).data[0];
      assert.equal(entry.action, 'runRetention');
      assert.equal(entry.details.removed.queuedMessages, OLD_A + OLD_B);
      assert.equal(entry.details.queuedMessagesMaxAgeDays, 2);
      assert.deepEqual((await ok('describeRetentionPolicy')).lastRun, run);
      assert.deepEqual((await ok('getOverview', { historyMinutes: 0 })).retention, run, 'the overview reports it');

      const again = await broker.core.retention.run();
      assert.equal(again?.removed.queuedMessages, 0, 'the newer ones stay');
    });

    test('after a restart the offline subscribers get only the newer messages', async () => {
      await broker.close();
      await start();
      const got: Record<string, string[]> = { 'rq-a': [], 'rq-b': [] };
      for (const id of ['rq-a', 'rq-b'] as const) {
        const c = mqtt.connect({ host: '127.0.0.1', port, clientId: id, reconnectPeriod: 0, ...permanent });
        clients.push(c);
        c.on('message', (_t, p) => got[id]!.push(p.toString()));
        await new Promise((resolve, reject) => { c.once('connect', resolve); c.once('error', reject); });
      }
      await until(() => got['rq-a']!.length >= NEW_A, `rq-a's queue (${got['rq-a']!.join(', ')})`);
      // A marker on each topic, sent after the queue: once it arrives, anything queued before it has too.
      const pub = await connect('rq-pub', { protocolVersion: 5 });
      await pub.publishAsync('rq/a', 'marker', { qos: 1 });
      await pub.publishAsync('rq/b', 'marker', { qos: 1 });
      await until(() => got['rq-a']!.includes('marker') && got['rq-b']!.includes('marker'), 'the markers');
      assert.deepEqual(got['rq-a'], ['new 0', 'new 1', 'marker']);
      assert.deepEqual(got['rq-b'], ['marker']);
    });
  });
}
