/**
 * Start-up time (issue 14): the compiled server (`node apps/server/dist/index.js`, as npm start
 * runs it) from spawn to both listeners accepting, over a data folder holding 100,000 stored
 * sessions each with one subscription, 10,000 retained messages and 100,000 queued messages
 * (target < 1 s), against the same start over an empty database (baseline, same run).
 *
 * The database is seeded directly: registry rows through the store, MQTT state as rows of the
 * current `mqtt_*` tables encoded by the persistence's own codec (persistence/packet-codec.ts).
 * Going through 100,000 MQTT CONNECTs would take minutes and measure something else.
 *
 * The server listens before the stored MQTT sessions are in memory (they load after it, and MQTT
 * calls wait for them: persistence `loadInBackground`), so the time until its "mqtt state loaded"
 * line (and `/readyz` ready) is reported too.
 *
 * Standalone: `tsx bench/startup.ts` prints the figures as JSON.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePacket } from '../packages/broker/src/persistence/packet-codec.ts';
import { SqlitePersistence } from '../packages/broker/src/persistence/sqlite-persistence.ts';
import { newSessionDefaults } from '../packages/broker/src/registry/registry.ts';
import { SqliteStore } from '../packages/broker/src/store/sqlite-store.ts';
import { build } from '../scripts/build.mjs';
import { outputs, repoRoot } from '../scripts/build-state.mjs';
import { median, sleep } from './util.ts';

export interface StartupSeed { sessions: number; retained: number; queued: number }
export interface StartupResult extends StartupSeed {
  /** Spawn → both listeners accept, medians over `runs` starts (ms). */
  seededMs: number;
  emptyMs: number;
  seededRunsMs: number[];
  emptyRunsMs: number[];
  /** The server's own figure: process start → its "mqdash listening" log line (ms, median). */
  seededLoggedMs: number;
  /** Spawn → its "mqtt state loaded" log line: stored sessions in memory, MQTT calls served at once, /readyz ready (ms, medians). */
  seededLoadedMs: number;
  emptyLoadedMs: number;
  databaseMB: number;
  /** RSS a second after listening: empty database, sessions with a subscription only, and the full seed (MB). */
  rssMB: { empty: number; sessionsOnly: number; full: number };
  /** From those: per stored session with one subscription, and per queued or retained message (KB). */
  perSessionKB: number;
  perQueuedMessageKB: number;
}

export const fullSeed: StartupSeed = { sessions: 100_000, retained: 10_000, queued: 100_000 };
const ADMIN_PASSWORD = 'bench-startup-password';

/** Writes the fleet into a new database in `dataDir`. */
export async function seedStartupDir(dataDir: string, seed: StartupSeed): Promise<void> {
  const store = new SqliteStore(path.join(dataDir, 'mqdash.db'));
  try {
    // Creates the mqtt_* tables exactly as the broker does.
    const persistence = new SqlitePersistence(store.db);
    await persistence.setup({ id: 'bench-seed' });
    await persistence.destroy();
    const day = 86_400_000;
    const now = Date.now();
    const db = store.db;
    const subRow = db.prepare('INSERT INTO mqtt_subscriptions (client_id, topic, qos, rh, rap, nl, subscription_identifier) VALUES (?, ?, 1, 0, 0, 0, NULL)');
    const outRow = db.prepare('INSERT INTO mqtt_outgoing (seq, client_id, topic, payload, message_id, meta) VALUES (?, ?, ?, ?, NULL, ?)');
    const retainedRow = db.prepare('INSERT INTO mqtt_retained (topic, payload, meta) VALUES (?, ?, ?)');
    const payload = Buffer.alloc(64, 0x61);
    store.transaction(() => {
      for (let i = 0; i < seed.sessions; i++) {
        const name = `dev-${i}`;
        const topic = `fleet/${i % 1000}/dev-${i}/cmd`;
        const row = store.insertSession({
          ...newSessionDefaults(name, 'mqtt', now - 30 * day), connectedAt: now - 2 * day, disconnectedAt: now - day,
          lastActivityAt: now - day, ipAddress: `10.0.${(i >> 8) & 255}.${i & 255}`, port: 40000, mqttProtocol: '5.0', keepAlive: 60, subCount: 1,
        });
        store.putSubscription(row.id, { topicFilter: topic, qos: 1, options: { nl: false, rap: false, rh: 0 } });
        subRow.run(name, topic);
      }
      for (let i = 0; i < seed.queued; i++) {
        const clientId = `dev-${i % seed.sessions}`;
        const topic = `fleet/${i % 1000}/${clientId}/cmd`;
        const r = encodePacket({ cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false, brokerId: 'bench', brokerCounter: i + 1 }, 'messageId');
        outRow.run(i + 1, clientId, r.topic, r.payload, r.meta);
      }
      for (let i = 0; i < seed.retained; i++) {
        const r = encodePacket({ cmd: 'publish', topic: `status/${i}`, payload, qos: 1, retain: true, dup: false, brokerId: 'bench', brokerCounter: i + 1 });
        retainedRow.run(r.topic, r.payload, r.meta);
      }
    });
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    store.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

const accepts = (port: number) => new Promise<boolean>((resolve) => {
  const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
});

const rssOf = (pid: number): number => {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) / 1024;
};

/** One start of the compiled server: spawn → both ports accept (ms), its own logged figures, and its RSS a second after its state is loaded. */
async function timeStart(dataDir: string): Promise<{ wallMs: number; loggedMs: number | null; loadedMs: number | null; rssMB: number }> {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const t0 = performance.now();
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [outputs.server], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(httpPort), MQTT_PORT: String(mqttPort), DATA_DIR: dataDir, ADMIN_PASSWORD, LOG_LEVEL: 'info' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited: ${out}`);
      // Polled every 2 ms: the figure is at most that much late.
      if (await accepts(mqttPort) && await accepts(httpPort)) break;
      if (performance.now() - t0 > 120_000) throw new Error(`the server did not listen within 120 s: ${out}`);
      await sleep(2);
    }
    const wallMs = performance.now() - t0;
    // The log lines may still be in the pipe, or (the loaded state) yet to come.
    const logged = async (event: string, tries: number) => {
      for (let i = 0; i < tries; i++) {
        const found = out.split('\n').find((l) => l.includes(`"event":"${event}"`));
        if (found) return (JSON.parse(found) as { time: number }).time - spawnedAt;
        if (child.exitCode !== null) throw new Error(`the server exited: ${out}`);
        await sleep(10);
      }
      return null;
    };
    const loggedMs = await logged('mqdash listening', 200);
    const loadedMs = await logged('mqtt state loaded', 12_000);
    await sleep(1000);
    return { wallMs, loggedMs, loadedMs, rssMB: rssOf(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}

export async function runStartup(o: { runs: number; seed?: StartupSeed; log: (s: string) => void }): Promise<StartupResult> {
  const seed = o.seed ?? fullSeed;
  build({ ifStale: true, log: o.log });
  const seeded = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-startup-'));
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-startup-empty-'));
  const sessionsOnly = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-startup-sessions-'));
  try {
    const t = performance.now();
    await seedStartupDir(seeded, seed);
    await seedStartupDir(sessionsOnly, { sessions: seed.sessions, queued: 0, retained: 0 });
    const databaseMB = fs.statSync(path.join(seeded, 'mqdash.db')).size / 1024 / 1024;
    o.log(`  seeded ${seed.sessions} sessions, ${seed.queued} queued and ${seed.retained} retained messages (${databaseMB.toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    // The first start of each creates the admin account (a scrypt) and warms the file cache: not counted.
    await timeStart(seeded);
    await timeStart(empty);
    await timeStart(sessionsOnly);
    const rss = { empty: (await timeStart(empty)).rssMB, sessionsOnly: (await timeStart(sessionsOnly)).rssMB, full: (await timeStart(seeded)).rssMB };
    o.log(`  RSS after start: empty ${rss.empty.toFixed(0)} MB, sessions only ${rss.sessionsOnly.toFixed(0)} MB, full ${rss.full.toFixed(0)} MB`);
    const seededRuns: number[] = [];
    const emptyRuns: number[] = [];
    const logged: number[] = [];
    const seededLoaded: number[] = [];
    const emptyLoaded: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      const s = await timeStart(seeded);
      seededRuns.push(s.wallMs);
      if (s.loggedMs !== null) logged.push(s.loggedMs);
      if (s.loadedMs !== null) seededLoaded.push(s.loadedMs);
      const e = await timeStart(empty);
      emptyRuns.push(e.wallMs);
      if (e.loadedMs !== null) emptyLoaded.push(e.loadedMs);
      o.log(`  run ${i + 1}: seeded ${s.wallMs.toFixed(0)} ms to listening (${s.loadedMs ?? '?'} ms to state loaded), empty ${e.wallMs.toFixed(0)} ms (${e.loadedMs ?? '?'} ms), load ${os.loadavg()[0]!.toFixed(1)}`);
    }
    return {
      ...seed, seededMs: median(seededRuns), emptyMs: median(emptyRuns), seededRunsMs: seededRuns, emptyRunsMs: emptyRuns,
      seededLoggedMs: median(logged), seededLoadedMs: median(seededLoaded), emptyLoadedMs: median(emptyLoaded), databaseMB, rssMB: rss,
      perSessionKB: ((rss.sessionsOnly - rss.empty) * 1024) / seed.sessions,
      perQueuedMessageKB: ((rss.full - rss.sessionsOnly) * 1024) / (seed.queued + seed.retained),
    };
  } finally {
    fs.rmSync(sessionsOnly, { recursive: true, force: true });
    fs.rmSync(seeded, { recursive: true, force: true });
    fs.rmSync(empty, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await runStartup({ runs: Number(process.env.BENCH_RUNS ?? 5), log: (s) => console.error(s) });
  console.log(JSON.stringify(r, null, 2));
}
