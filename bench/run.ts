/**
 * `npm run bench`: throughput (mqdash on aedes and on its own engine vs bare aedes and Debian's
 * mosquitto), listMqSessions latency and broker memory (RSS per idle connection, CPU per connect),
 * every baseline measured in the same run. Prints a table and writes bench/results/latest.json.
 * Also: QoS 1 with the durable SQLite persistence vs in-memory (durable), `GET /api/v5/clients`
 * latency (emqx), getMessagesFromMqTopic throughput (topics) and the dashboard table in Chromium
 * over 100,000 sessions (browser), the compiled server's start-up over a loaded database (startup),
 * throughput with /metrics scraped every second against not scraped (metrics), listMqSessions
 * substring search over 100,000 sessions (search) and listRetainedMessages latency over 100,000
 * retained messages (retained).
 * BENCH_QUICK=1 shortens everything for a smoke test; BENCH_ONLY=list,search,memory,throughput,metrics,durable,emqx,topics,retained,browser,startup,feed picks sections
 * (BENCH_FEED_SECONDS shortens the 5-minute dashboard-under-load section);
 * BENCH_MQDASH_DURABLE=1 runs mqdash with its default durable MQTT state instead of in-memory.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './ipc.ts';
import { runListLatency } from './list-latency.ts';
import { runMemory } from './memory.ts';
import { runSearchLatency } from './search-latency.ts';
import { header, printReport, tableRows, type Results } from './report.ts';
import { seedFleetDir } from './seed.ts';
import { runThroughput } from './throughput.ts';
import { runDurableQos1 } from './durable-qos1.ts';
import { runEmqxLatency } from './emqx-latency.ts';
import { runTopicHistoryBench } from './topic-history-bench.ts';
import { runBrowserTableBench } from './browser-table.ts';
import { runFeedBench } from './feed-bench.ts';
import { benchConfig } from './util.ts';
import { runStartup } from './startup.ts';
import { runMetricsScrape } from './metrics-scrape.ts';
import { runRetainedLatency } from './retained-latency.ts';

const cfg = benchConfig();
const started = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}`);

// The broker measured is the working tree as it is now: record which one.
const git = (cmd: string) => { try { return execSync(`git ${cmd}`, { cwd: repoRoot, encoding: 'utf8' }).trim(); } catch { return null; } };
const source = { commit: git('rev-parse HEAD'), changedFiles: git('status --porcelain -- packages')?.split('\n').filter(Boolean) ?? [] };

log(`mqdash bench${cfg.quick ? ' (BENCH_QUICK: smoke test only)' : ''}: ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)}, `
  + `Node ${process.version}, commit ${source.commit?.slice(0, 8)}${source.changedFiles.length ? ` + ${source.changedFiles.length} changed files` : ''}`);
const results: Results = {};
const fleetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-fleet-'));
try {
  if (cfg.only.has('list')) {
    log(`listMqSessions over ${cfg.storedSessions} stored sessions`);
    results.list = await runListLatency(cfg, fleetDir, log);
  }
  if (cfg.only.has('search')) {
    log(`listMqSessions searchText (~1% of ${cfg.storedSessions} stored sessions), sorted by client name, first page with totalCount`);
    results.search = await runSearchLatency(cfg, fleetDir, results.list !== undefined, log);
  }
  if (cfg.only.has('memory')) {
    log('broker memory');
    if (!results.list && !results.search) seedFleetDir(fleetDir, cfg.storedSessions);
    results.memory = await runMemory(cfg, fleetDir, log);
  }
} finally {
  fs.rmSync(fleetDir, { recursive: true, force: true });
}
if (cfg.only.has('throughput')) {
  log(`throughput: ${cfg.runs} run(s), ${cfg.warmupMs / 1000} s warm-up + ${cfg.durationMs / 1000} s measured, 64-byte payloads`);
  results.throughput = await runThroughput(cfg, log);
}
if (cfg.only.has('metrics')) {
  log(`throughput with /metrics scraped every second vs not scraped: ${cfg.runs} run(s) each, QoS 0 10 → 1`);
  results.metrics = await runMetricsScrape(cfg, log);
}

if (cfg.only.has('durable')) {
  log('QoS 1, 10 publishers → 1 persistent subscriber: durable SQLite persistence vs in-memory');
  results.durable = await runDurableQos1({ seconds: cfg.quick ? 2 : 5, runs: cfg.quick ? 1 : 3, log });
}
if (cfg.only.has('emqx')) {
  log(`GET /api/v5/clients?_page=1&_limit=100 over ${cfg.storedSessions} sessions`);
  results.emqx = await runEmqxLatency({ sessions: cfg.storedSessions, iterations: cfg.quick ? 50 : 200, log });
}
if (cfg.only.has('topics')) {
  log('getMessagesFromMqTopic throughput');
  results.topics = await runTopicHistoryBench({ durationMs: cfg.quick ? 1000 : 5000 });
}
if (cfg.only.has('retained')) {
  log('listRetainedMessages over 100,000 retained messages');
  results.retained = await runRetainedLatency({ retained: 100_000, iterations: cfg.quick ? 50 : 200, log });
}
if (cfg.only.has('browser')) {
  log(`dashboard table in Chromium over ${cfg.storedSessions} sessions`);
  results.browser = await runBrowserTableBench({ sessions: cfg.storedSessions, loads: cfg.quick ? 2 : 5, filters: cfg.quick ? 3 : 10, log });
}
if (cfg.only.has('startup')) {
  log('start-up of the compiled server: 100,000 stored sessions with a subscription each, 10,000 retained and 100,000 queued messages, vs an empty database');
  results.startup = await runStartup({ runs: cfg.quick ? 1 : 5, log });
}
if (cfg.only.has('feed')) {
  const seconds = Number(process.env.BENCH_FEED_SECONDS ?? (cfg.quick ? 20 : 300));
  log(`dashboard under ~1,000 session changes/s over 10,000 sessions for ${seconds} s, and feed latency`);
  results.feed = await runFeedBench({ sessions: 10_000, changesPerSecond: 1000, seconds, log });
}

const rows = tableRows(cfg, results);
printReport(cfg, results, rows);
const resultsDir = path.join(repoRoot, 'bench', 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, 'latest.json');
const { only, ...config } = cfg;
const json = `${JSON.stringify({
  date: new Date().toISOString(), config: { ...config, only: [...only], mqdashDurable: process.env.BENCH_MQDASH_DURABLE === '1' }, node: process.version, cpus: os.cpus().length,
  loadAverage: os.loadavg(), source, durationSeconds: (Date.now() - started) / 1000, ...results, table: [header, ...rows],
}, null, 2)}\n`;
// latest.json is overwritten by every run (quick ones too); each run also keeps its own file.
const stamped = path.join(resultsDir, `${new Date(started).toISOString().replace(/[:.]/g, '-')}${cfg.quick ? '-quick' : ''}.json`);
fs.writeFileSync(file, json);
fs.writeFileSync(stamped, json);
log(`results written to ${path.relative(repoRoot, file)} and ${path.relative(repoRoot, stamped)}`);
