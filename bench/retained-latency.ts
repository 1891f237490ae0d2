/**
 * listRetainedMessages latency over 100,000 retained messages (issue 14; target: p95 < 50 ms), run
 * in-process as the BFF and the EMQX retainer route run it: validation, the sorted index's range
 * and page, formatting. The messages are written straight into `mqtt_retained` (as the broker
 * writes them) and loaded by a real broker at start. Four filters: `#` (first page), a deep page of
 * `#`, a literal prefix (`site/7/#`) and a `+` filter that must scan every topic (the worst case); then
 * the time to delete all of them at once (deleteRetainedMessages `#`: memory, index, one flush).
 *
 *   runRetainedLatency(opts?: { retained?: number; iterations?: number; log?: (line: string) => void })
 *     → Promise<RetainedLatencyResult>   (milliseconds)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createBroker } from '@mqdash/broker';
import { SqliteStore } from '../packages/broker/src/store/sqlite-store.ts';
import { SqlitePersistence } from '../packages/broker/src/persistence/sqlite-persistence.ts';
import { encodePacket } from '../packages/broker/src/persistence/packet-codec.ts';
import { databaseFile } from '../packages/broker/src/backup/restore.ts';
import { percentile } from './util.ts';

export interface RetainedLatencyCase { label: string; params: Record<string, unknown>; totalCount: number; p50: number; p95: number }
export interface RetainedLatencyResult { retained: number; loadMs: number; cases: RetainedLatencyCase[]; worstP95: number; deleteAllMs: number }

const ADMIN = 'bench-retained-admin-password';

/** `site/{0..99}/line/{0..9}/dev-{i}/status`: 100 sites × 10 lines, one device each per message. */
const topicOf = (i: number) => `site/${i % 100}/line/${Math.floor(i / 100) % 10}/dev-${i}/status`;

async function seedRetained(dataDir: string, count: number): Promise<void> {
  const store = new SqliteStore(databaseFile(dataDir));
  try {
    const persistence = new SqlitePersistence(store.db);
    await persistence.setup({ id: 'bench-seed' });
    await persistence.destroy();
    const row = store.db.prepare('INSERT INTO mqtt_retained (topic, payload, meta) VALUES (?, ?, ?)');
    const now = Date.now();
    store.transaction(() => {
      for (let i = 0; i < count; i++) {
        const payload = Buffer.from(JSON.stringify({ device: i, temperature: 20 + (i % 10), at: now }));
        const r = encodePacket({ cmd: 'publish', topic: topicOf(i), payload, qos: i % 2, retain: true, dup: false, brokerId: 'bench', brokerCounter: i + 1, retainedAt: now - i });
        row.run(r.topic, r.payload, r.meta);
      }
    });
  } finally {
    store.close();
  }
}

export async function runRetainedLatency(o: { retained?: number; iterations?: number; log?: (line: string) => void } = {}): Promise<RetainedLatencyResult> {
  const retained = o.retained ?? 100_000;
  const iterations = o.iterations ?? 200;
  const log = o.log ?? (() => {});
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-retained-'));
  try {
    let t = performance.now();
    await seedRetained(dataDir, retained);
    log(`  wrote ${retained} retained messages in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    const broker = await createBroker({ dataDir, adminPassword: ADMIN, logger: pino({ level: 'silent' }) });
    const loadMs = performance.now() - t;
    try {
      const login = await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN } });
      const run = async (params: Record<string, unknown>) => {
        const r = await broker.actions.run({ action: 'listRetainedMessages', params, authToken: login.authToken });
        if (r.errorCode !== 0) throw new Error(`listRetainedMessages ${JSON.stringify(params)}: ${r.errorMessage}`);
        return r.result as { totalCount: number; data: unknown[] };
      };
      const cases: Array<{ label: string; params: Record<string, unknown> }> = [
        { label: '# first page (50)', params: { topicFilter: '#', maxRecords: 50 } },
        { label: '# page at 50,000 (50)', params: { topicFilter: '#', skipRecords: 50_000, maxRecords: 50 } },
        { label: 'site/7/# (prefix, 50)', params: { topicFilter: 'site/7/#', maxRecords: 50 } },
        { label: 'site/+/line/3/+/status (scan all, 50)', params: { topicFilter: 'site/+/line/3/+/status', maxRecords: 50 } },
      ];
      const out: RetainedLatencyCase[] = [];
      for (const c of cases) {
        let totalCount = 0;
        for (let i = 0; i < 20; i++) totalCount = (await run(c.params)).totalCount;
        const times: number[] = [];
        for (let i = 0; i < iterations; i++) {
          const start = performance.now();
          await run(c.params);
          times.push(performance.now() - start);
        }
        const r = { ...c, totalCount, p50: percentile(times, 50), p95: percentile(times, 95) };
        log(`  ${c.label}: ${totalCount} match; p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms (${iterations} requests)`);
        out.push(r);
      }
      const retainedBefore = broker.retained!.countMatching('#');
      // Then delete all matching `#` at once: memory, the index and the database (one flush).
      const start = performance.now();
      const del = await broker.actions.run({ action: 'deleteRetainedMessages', params: { topicFilter: '#' }, authToken: login.authToken });
      const deleteAllMs = performance.now() - start;
      const deleted = (del.result as { deletedCount: number }).deletedCount;
      // `#` leaves `$…` topics (the admin feed's retained overview) [MQTT-4.7.2-1].
      const left = broker.retained!.countMatching('#');
      if (del.errorCode !== 0 || left !== 0) throw new Error(`deleteRetainedMessages #: ${del.errorMessage || `${left} left`}`);
      log(`  deleteRetainedMessages # (all ${deleted}): ${deleteAllMs.toFixed(0)} ms`);
      return { retained: retainedBefore, loadMs, cases: out, worstP95: Math.max(...out.map((c) => c.p95)), deleteAllMs };
    } finally {
      await broker.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
