/**
 * `npm run soak`: the real server (apps/server, as `npm start` runs it) under steady load for a
 * bounded time (SOAK_SECONDS, default 600):
 * - SOAK_CLIENTS (5,000) MQTT connections from SOAK_GENERATORS (2) generator processes (raw packets
 *   over `net`, bench/soak-generator.ts) publishing QoS 1 at SOAK_RATE (2,000) messages/s in total
 *   to 50 topics per generator;
 * - two persistent subscribers (MQTT 5, clean false, expiry 0xFFFFFFFF, QoS 1) reading 5 of each
 *   generator's topics (10% of the traffic);
 * - an administrator listing, filtering, banning and unbanning through POST /api in a loop.
 * Reports errors (target 0), QoS 1 message loss (target 0), p50/p95/p99 latency per admin action,
 * and the broker's RSS every 10 s with a fitted slope (MB/min; no growth trend expected). The
 * report is printed and written to bench/results/soak-<time>.json. Exit code 1 if errors or losses.
 */
import { fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 5000);
const RATE = Number(process.env.SOAK_RATE ?? 2000);
const GENERATORS = Number(process.env.SOAK_GENERATORS ?? 2);
const TOPICS = 50;
const SUBSCRIBED_TOPICS = 5;
const SAMPLE_MS = 10_000;
const ADMIN_PASSWORD = 'soak-admin-password';
const VICTIMS = 20;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const log = (msg: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const sxy = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-soak-'));
  const [mqttPort, httpPort] = [await freePort(), await freePort()];
  log(`${SECONDS} s, ${CLIENTS} clients in ${GENERATORS} generators, ${RATE} QoS 1 msg/s; data in ${dataDir}`);

  // ---- the server ----
  const server = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/index.ts'], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(httpPort), MQTT_PORT: String(mqttPort), DATA_DIR: dataDir, ADMIN_PASSWORD, LOG_LEVEL: 'warn' },
  });
  const serverErrors: string[] = [];
  let serverWarnings = 0;
  const onLog = (d: Buffer) => {
    for (const line of d.toString().split('\n')) {
      if (!line.trim()) continue;
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level && Number(level) >= 50) serverErrors.push(line.slice(0, 500));
      else if (level) serverWarnings++;
      else serverErrors.push(line.slice(0, 500));
    }
  };
  server.stdout!.on('data', onLog);
  server.stderr!.on('data', onLog);
  let serverExited = false;
  server.once('exit', () => { serverExited = true; });
  for (;;) {
    if (serverExited) throw new Error(`the server exited: ${serverErrors.join('\n')}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(mqttPort, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    await sleep(100);
  }
  const pid = server.pid!;

  const api = async (body: Record<string, unknown>): Promise<{ ms: number; r: any }> => {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${httpPort}/api`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const r = await res.json();
    return { ms: performance.now() - t0, r };
  };
  const login = await api({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } });
  if (login.r.errorCode !== 0) throw new Error(`login failed: ${JSON.stringify(login.r)}`);
  let token: string = login.r.authToken;

  // ---- subscribers and ban victims ----
  const received = new Map<string, Set<string>>();
  const subscribers: MqttClient[] = [];
  let subscriberDisconnects = 0;
  let finished = false;
  for (let i = 0; i < 2; i++) {
    const id = `soak-sub-${i}`;
    const got = new Set<string>();
    received.set(id, got);
    const c = await new Promise<MqttClient>((resolve, reject) => {
      const cl = mqtt.connect({ host: '127.0.0.1', port: mqttPort, clientId: id, protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff }, reconnectPeriod: 1000 });
      cl.on('message', (_t, p) => got.add(p.toString()));
      cl.once('connect', () => resolve(cl));
      cl.once('error', reject);
    });
    c.on('close', () => { if (!finished) subscriberDisconnects++; });
    const filters = [];
    for (let g = 0; g < GENERATORS; g++) for (let k = 0; k < SUBSCRIBED_TOPICS; k++) filters.push(`soak/${g}/${k}`);
    await c.subscribeAsync(filters, { qos: 1 });
    subscribers.push(c);
  }
  for (let i = 0; i < VICTIMS; i++) {
    await new Promise<void>((resolve, reject) => {
      const cl = mqtt.connect({ host: '127.0.0.1', port: mqttPort, clientId: `soak-victim-${i}`, protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff }, reconnectPeriod: 0 });
      cl.once('connect', () => cl.end(false, {}, () => resolve()));
      cl.once('error', reject);
    });
  }

  // ---- generators ----
  const gens = Array.from({ length: GENERATORS }, () => fork(path.join(here, 'soak-generator.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const reports: any[] = [];
  const connected = await Promise.all(gens.map((g, gen) => new Promise<any>((resolve) => {
    g.on('message', (m: any) => {
      if (m.type === 'connected') resolve(m);
      else if (m.type === 'report') reports.push(m);
    });
    const share = Math.floor(CLIENTS / GENERATORS) + (gen < CLIENTS % GENERATORS ? 1 : 0);
    g.send({ type: 'start', port: mqttPort, gen, clients: share, rate: RATE / GENERATORS, topics: TOPICS, subscribedTopics: SUBSCRIBED_TOPICS });
  })));
  const connectedCount = connected.reduce((n, m) => n + m.connected, 0);
  log(`${connectedCount} generator clients connected (${connected.reduce((n, m) => n + m.failed, 0)} failed); RSS ${round(rssMb(pid))} MB`);

  // ---- RSS sampling and the admin loop, for SECONDS ----
  const t0 = Date.now();
  const rss: Array<{ t: number; mb: number }> = [{ t: 0, mb: rssMb(pid) }];
  const sampler = setInterval(() => {
    if (serverExited) return;
    const mb = rssMb(pid);
    rss.push({ t: (Date.now() - t0) / 1000, mb });
    log(`t=${Math.round((Date.now() - t0) / 1000)} s RSS ${round(mb)} MB`);
  }, SAMPLE_MS);
  const latencies = new Map<string, number[]>();
  const adminErrors: string[] = [];
  let adminCalls = 0;
  const record = (name: string, ms: number, r: any) => {
    adminCalls++;
    let l = latencies.get(name);
    if (!l) latencies.set(name, (l = []));
    l.push(ms);
    if (r.errorCode !== 0) adminErrors.push(`${name}: ${r.errorCode} ${r.errorMessage}`);
    if (r.authToken) token = r.authToken;
  };
  const until = t0 + SECONDS * 1000;
  let round_ = 0;
  while (Date.now() < until && !serverExited) {
    const victim = `soak-victim-${round_ % VICTIMS}`;
    const g = round_ % GENERATORS;
    const steps: Array<[string, Record<string, unknown>]> = [
      ['listMqSessions', { action: 'listMqSessions', authToken: token, params: { maxRecords: 50 } }],
      ['listMqSessions connected sorted', { action: 'listMqSessions', authToken: token, params: { connectionStatusFilter: ['connected'], sortDescending: 'lastConnect', maxRecords: 50 } }],
      ['listMqSessions prefix', { action: 'listMqSessions', authToken: token, params: { partialClientName: `soak-g${g}-${round_ % 100}`, maxRecords: 50 } }],
      ['listMqSessions banned', { action: 'listMqSessions', authToken: token, params: { sessionStatusFilter: ['banned'], maxRecords: 50 } }],
      ['ban (alterMqSession)', { action: 'alterMqSession', authToken: token, params: { clientName: victim, sessionStatus: 'banned' } }],
      ['unban (alterMqSession)', { action: 'alterMqSession', authToken: token, params: { clientName: victim, sessionStatus: 'normal' } }],
    ];
    for (const [name, body] of steps) {
      try {
        const { ms, r } = await api(body);
        record(name, ms, r);
      } catch (err) {
        adminErrors.push(`${name}: ${(err as Error).message}`);
      }
    }
    round_++;
    await sleep(50);
  }
  clearInterval(sampler);
  rss.push({ t: (Date.now() - t0) / 1000, mb: serverExited ? NaN : rssMb(pid) });

  // ---- stop, collect, check ----
  log('stopping the generators');
  for (const g of gens) g.send({ type: 'stop' });
  const deadline = Date.now() + 30_000;
  while (reports.length < GENERATORS && Date.now() < deadline) await sleep(100);
  const ackedSubscribed = reports.flatMap((r) => r.ackedSubscribed as string[]);
  // Subscribers get up to 60 s to catch up.
  const missing = (id: string) => ackedSubscribed.filter((p) => !received.get(id)!.has(p)).length;
  const catchUp = Date.now() + 60_000;
  while ([...received.keys()].some((id) => missing(id) > 0) && Date.now() < catchUp) await sleep(500);
  const losses = Object.fromEntries([...received.keys()].map((id) => [id, missing(id)]));
  finished = true;
  for (const s of subscribers) s.end(true);
  server.kill('SIGTERM');
  await new Promise((r) => (serverExited ? r(null) : server.once('exit', r)));

  const genErrors = reports.reduce((acc: Record<string, number>, r) => {
    for (const [k, v] of Object.entries(r.errors as Record<string, number>)) acc[k] = (acc[k] ?? 0) + v;
    return acc;
  }, {});
  const sent = reports.reduce((n, r) => n + r.sent, 0);
  const acked = reports.reduce((n, r) => n + r.acked, 0);
  const steady = rss.filter((s) => Number.isFinite(s.mb) && s.t >= Math.min(60, SECONDS / 4));
  const rssSlope = slope(steady.map((s) => [s.t / 60, s.mb]));
  // RSS is a garbage-collection sawtooth; each minute's lowest sample is nearer the live memory,
  // so the slope of those floors is the better sign of a leak than a fit through the peaks.
  const floors = new Map<number, number[]>();
  for (const s of steady) if (Number.isFinite(s.mb)) floors.set(Math.floor(s.t / 60), [...(floors.get(Math.floor(s.t / 60)) ?? []), s.mb]);
  // Whole minutes only (SAMPLE_MS apart: 6 samples): the final sample alone is no floor.
  const floorPoints = [...floors].filter(([, v]) => v.length >= 60_000 / SAMPLE_MS / 2).map(([minute, v]) => [minute, Math.min(...v)] as [number, number]);
  const floorSlope = floorPoints.length >= 3 ? slope(floorPoints) : NaN;
  const report = {
    when: new Date().toISOString(),
    config: { seconds: SECONDS, clients: CLIENTS, generators: GENERATORS, rate: RATE, topicsPerGenerator: TOPICS, subscribedTopicsPerGenerator: SUBSCRIBED_TOPICS, cpus: os.cpus().length, loadAverage: os.loadavg().map((n) => round(n, 2)) },
    clients: { connected: connectedCount, expected: CLIENTS },
    messages: { sent, acked, achievedRatePerSecond: round(acked / SECONDS), ackedOnSubscribedTopics: ackedSubscribed.length, received: Object.fromEntries([...received].map(([id, s]) => [id, s.size])), lost: losses },
    errors: { generator: genErrors, admin: adminErrors.length, adminSamples: adminErrors.slice(0, 5), server: serverErrors.length, serverSamples: serverErrors.slice(0, 5), serverWarnings, subscriberDisconnects, serverExitedEarly: serverExited && Date.now() < until },
    adminLatencyMs: Object.fromEntries([...latencies].map(([name, l]) => {
      const s = [...l].sort((a, b) => a - b);
      return [name, { calls: s.length, p50: round(pct(s, 50)), p95: round(pct(s, 95)), p99: round(pct(s, 99)), max: round(s.at(-1)!) }];
    })),
    adminCalls,
    rss: { samplesMb: rss.map((s) => [Math.round(s.t), round(s.mb)]), slopeMbPerMinute: round(rssSlope, 2), fittedFromSecond: steady[0]?.t ?? null,
      minuteFloorsMb: floorPoints.map(([m, mb]) => [m, round(mb)]), floorSlopeMbPerMinute: round(floorSlope, 2) },
  };
  const totalErrors = Object.values(genErrors).reduce((a, b) => a + b, 0) + adminErrors.length + serverErrors.length + subscriberDisconnects;
  const totalLost = Object.values(losses).reduce((a, b) => a + b, 0);
  console.log(JSON.stringify(report, null, 2));
  const dir = path.join(here, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `soak-${report.when.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`errors ${totalErrors}, lost ${totalLost}, RSS slope ${round(rssSlope, 2)} MB/min (per-minute floors: ${round(floorSlope, 2)} MB/min); report in ${path.relative(repoRoot, file)}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(totalErrors === 0 && totalLost === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
