/**
 * The live feed (DESIGN §5) in a real browser: the real server on a data folder seeded with
 * `sessions` stored sessions (seed.ts), Debian's Chromium on the sessions table.
 *
 * (a) latencyP50Ms / latencyP95Ms: a session's status changed through `POST /api`
 *     (alterMqSession, banned ↔ normal) → the row's Status badge in the DOM shows it (a
 *     MutationObserver in the page notes Date.now(); the action's Date.now() is taken just before
 *     the request, same machine, same clock). Includes the feed's 250 ms batching. Target p95 < 1 s.
 * (b) the same table while a generator process (feed-load.ts) drives `changesPerSecond` session
 *     changes per second through the BFF's bulk route for `seconds` seconds. A separate mqtt.js feed
 *     subscriber (feed token from createFeedToken) counts the rows actually announced per second.
 *     In the page: requestAnimationFrame deltas (longestFrameMs, target < 100 ms) and the JS heap
 *     (CDP Performance.getMetrics, JSHeapUsedSize) every 10 s after a forced GC (the frames around
 *     that GC are not counted); heapSlopeMBPerMin is the least-squares slope of those samples
 *     (target ≈ 0); heapStartMB/heapEndMB are the first and last (before and after the load).
 *     An idle-page frame baseline and the page's main-thread busy share are logged beside them.
 *
 * Usage: `await runFeedBench({ seconds: 60 })`, or `npx tsx bench/feed-bench.ts [seconds]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { jsonApi } from '../e2e/helpers/api.ts';
import { launchBrowser } from '../e2e/helpers/browser.ts';
import { startServer, type RunningServer } from '../e2e/helpers/server.ts';
import { feedTopics, type SessionChangesMessage } from '../packages/contracts/src/feed.ts';
import { seedFleetDir } from './seed.ts';
import { percentile, sleep } from './util.ts';

export interface FeedBenchOptions {
  /** Stored sessions to seed (default 10,000). */
  sessions?: number;
  /** Session changes per second the generator drives (default 1,000). */
  changesPerSecond?: number;
  /** Length of the load phase (default 300 s). */
  seconds?: number;
  /** Progress lines (default: none). */
  log?: (s: string) => void;
}

export interface FeedBenchResult {
  latencyP50Ms: number;
  latencyP95Ms: number;
  longestFrameMs: number;
  heapStartMB: number;
  heapEndMB: number;
  heapSlopeMBPerMin: number;
  /** Rows per second the feed subscriber actually received during the load phase. */
  feedChangesPerSecond: number;
  /** Frames longer than 100 ms during the load phase. */
  framesOver100Ms: number;
}

const LATENCY_SAMPLES = 30;
const ROW_LINK = 'table tbody tr:not(.skeleton-row) a[href^="/sessions/"]';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

declare global {
  interface Window {
    __statusSeen?: Promise<number>;
    __frameStats?: { count: number; max: number; over50: number; over100: number; longest: Array<{ at: number; ms: number }>; running: boolean; skipUntil: number };
  }
}

/** requestAnimationFrame deltas, summarised in the page (no array growing for 5 minutes). */
const FRAME_RECORDER = `(() => {
  const s = (window.__frameStats = { count: 0, max: 0, over50: 0, over100: 0, longest: [], running: true, skipUntil: 0 });
  let last = 0;
  const tick = (t) => {
    const d = t - last;
    last = t;
    // Frames around the bench's own forced GC (heap samples) are not the dashboard's.
    if (t < s.skipUntil || performance.now() < s.skipUntil) { if (s.running) requestAnimationFrame(tick); return; }
    s.count++;
    if (d > s.max) s.max = d;
    if (d > 50) s.over50++;
    if (d > 100) { s.over100++; if (s.longest.length < 20) s.longest.push({ at: Math.round(performance.now()), ms: Math.round(d) }); }
    if (s.running) requestAnimationFrame(tick);
  };
  requestAnimationFrame((t) => { last = t; requestAnimationFrame(tick); });
})()`;

async function signIn(page: Page, server: RunningServer): Promise<void> {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(server.adminPassword);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

/** Index of a column in the sessions table by its header text. */
async function columnIndex(page: Page, header: string): Promise<number> {
  const headers = (await page.locator('table thead th').allTextContents()).map((h) => h.trim());
  const i = headers.indexOf(header);
  if (i < 0) throw new Error(`no "${header}" column in ${JSON.stringify(headers)}`);
  return i;
}

/** Installs an observer that resolves window.__statusSeen with Date.now() when `name`'s cell reads `text`. */
async function watchCell(page: Page, name: string, column: number, text: string): Promise<void> {
  // A string, not a function: tsx's keepNames helpers do not exist in the page.
  await page.evaluate(`(() => {
    const name = ${JSON.stringify(name)}, column = ${column}, text = ${JSON.stringify(text)}, selector = ${JSON.stringify(ROW_LINK)};
    window.__statusSeen = new Promise((resolve) => {
      const cellText = () => {
        const link = [...document.querySelectorAll(selector)].find((a) => a.textContent === name);
        return link?.closest('tr')?.children[column]?.textContent?.trim();
      };
      const observer = new MutationObserver(() => {
        if (cellText() === text) {
          const at = Date.now();
          observer.disconnect();
          resolve(at);
        }
      });
      observer.observe(document.querySelector('table'), { subtree: true, childList: true, characterData: true });
    });
  })()`);
}

async function measureLatency(page: Page, server: RunningServer, log: (s: string) => void): Promise<number[]> {
  const api = await jsonApi(server);
  const status = await columnIndex(page, 'Status');
  const candidates = (await page.locator(ROW_LINK).allTextContents()).slice(0, 10);
  // Sessions that are normal now, so banned → normal round trips keep the page's rows stable.
  const rows = await Promise.all(candidates.map(async (name) => ({ name, s: await api.describe(name) })));
  const names = rows.filter((r) => r.s.sessionStatus === 'normal').map((r) => r.name).slice(0, 5);
  if (names.length === 0) throw new Error('no normal session on the first page');
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const name = names[i % names.length]!;
    const to = Math.floor(i / names.length) % 2 === 0 ? 'banned' : 'normal';
    await watchCell(page, name, status, to === 'banned' ? 'Banned' : 'Normal');
    const t0 = Date.now();
    await api.ok('alterMqSession', { clientName: name, sessionStatus: to });
    const seen = await Promise.race([page.evaluate(() => window.__statusSeen!), sleep(10_000).then(() => null)]);
    if (seen === null) throw new Error(`${name}: the Status badge did not show ${to} within 10 s`);
    samples.push(seen - t0);
    // Off the feed's 250 ms beat, so the samples spread over the batching window.
    await sleep(200 + Math.floor(Math.random() * 400));
  }
  // Leave them as found.
  for (const name of names) await api.ok('alterMqSession', { clientName: name, sessionStatus: 'normal' });
  log(`  feed latency (alter → badge in DOM), ${samples.length} samples: ${samples.map((s) => s.toFixed(0)).join(', ')} ms`);
  return samples;
}

/** A feed subscriber beside the dashboard: counts the session rows the feed announces. */
async function feedCounter(server: RunningServer): Promise<{ rows: () => number; messages: () => number; close: () => Promise<void> }> {
  const api = await jsonApi(server);
  const token = await api.ok<{ username: string; token: string; path: string }>('createFeedToken');
  const client = mqtt.connect(`ws://127.0.0.1:${server.httpPort}${token.path}`, {
    username: token.username,
    password: token.token,
    protocolVersion: 5,
    clientId: `mqdash-dashboard-bench-${process.pid}`,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(feedTopics.sessionChanges, { qos: 0 });
  let rows = 0;
  let messages = 0;
  client.on('message', (_topic, payload) => {
    const m = JSON.parse(payload.toString('utf8')) as SessionChangesMessage;
    rows += m.changes.length + m.removed.length;
    messages++;
  });
  return { rows: () => rows, messages: () => messages, close: () => client.endAsync(true) };
}

function startLoad(server: RunningServer, sessions: number, changesPerSecond: number, log: (s: string) => void): { child: ChildProcess; last: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/feed-load.ts'], {
    cwd: repoRoot,
    env: { ...process.env, FEED_LOAD_CONFIG: JSON.stringify({ baseUrl: server.baseUrl, password: server.adminPassword, sessions, changesPerSecond }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let last = '';
  createInterface({ input: child.stdout! }).on('line', (line) => {
    last = line;
  });
  child.stderr!.on('data', (chunk: Buffer) => log(`  load generator: ${chunk.toString('utf8').trim()}`));
  return { child, last: () => last };
}

async function heapMB(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  return used / 1024 / 1024;
}

/** Seconds the page's main thread has spent so far, by kind (CDP Performance metrics). */
async function mainThread(cdp: CDPSession): Promise<Record<'TaskDuration' | 'ScriptDuration' | 'LayoutDuration' | 'RecalcStyleDuration', number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return { TaskDuration: get('TaskDuration'), ScriptDuration: get('ScriptDuration'), LayoutDuration: get('LayoutDuration'), RecalcStyleDuration: get('RecalcStyleDuration') };
}

async function gcHeapMB(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await sleep(200);
  await cdp.send('HeapProfiler.collectGarbage');
  return heapMB(cdp);
}

/** FEED_BENCH_PROFILE=1: 10 s of the page's CPU profile under load, top functions by self time. */
async function profilePage(cdp: CDPSession, log: (s: string) => void): Promise<void> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  await sleep(10_000);
  const { profile } = await cdp.send('Profiler.stop');
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  log(`  CPU profile of the page, 10 s under load, self time:\n${top.map(([k, ms]) => `    ${ms.toFixed(0).padStart(6)} ms  ${k}`).join('\n')}`);
}

/** Least-squares slope of y over x. */
function slope(points: Array<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const sxy = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return sxx === 0 ? NaN : sxy / sxx;
}

export async function runFeedBench(opts: FeedBenchOptions = {}): Promise<FeedBenchResult> {
  const sessions = opts.sessions ?? 10_000;
  const changesPerSecond = opts.changesPerSecond ?? 1_000;
  const seconds = opts.seconds ?? 300;
  const log = opts.log ?? (() => {});
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mqdash-bench-feed-'));
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let load: ChildProcess | undefined;
  let feed: Awaited<ReturnType<typeof feedCounter>> | undefined;
  try {
    const t = performance.now();
    seedFleetDir(dataDir, sessions);
    log(`  seeded ${sessions} sessions in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    [server, browser] = await Promise.all([startServer({ dataDir, env: { LOG_LEVEL: 'warn' } }), launchBrowser()]);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    await signIn(page, server);
    await page.goto(`${server.baseUrl}/sessions`);
    await page.waitForSelector(ROW_LINK);
    await page.getByRole('status', { name: 'Live updates: live', exact: true }).waitFor({ timeout: 30_000 });
    await sleep(1000);

    // (a) latency on a quiet server.
    const latency = await measureLatency(page, server, log);

    // (b) the flood.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const heapStartMB = await gcHeapMB(cdp);
    // The same frame recorder on the idle page first: what this (shared) machine's jitter is anyway.
    await page.evaluate(FRAME_RECORDER);
    await sleep(Math.min(10, Math.max(3, seconds / 6)) * 1000);
    const idle = await page.evaluate(() => {
      window.__frameStats!.running = false;
      return window.__frameStats!;
    });
    log(`  idle baseline: ${idle.count} frames, longest ${idle.max.toFixed(1)} ms, >50 ms ${idle.over50}, >100 ms ${idle.over100}`);
    await sleep(100);
    feed = await feedCounter(server);
    const generator = startLoad(server, sessions, changesPerSecond, log);
    load = generator.child;
    // Let the generator sign in and the first batches flow before measuring.
    await sleep(3000);
    await page.evaluate(FRAME_RECORDER);
    const rows0 = feed.rows();
    const main0 = await mainThread(cdp);
    const started = Date.now();
    /** Heap after a forced GC (what is kept), and the heap as found (with garbage) just before. */
    const heap: Array<{ x: number; y: number }> = [{ x: 0, y: heapStartMB }];
    const raw: number[] = [];
    const every = Math.min(10, Math.max(2, seconds / 6)) * 1000;
    let nextLog = started + 30_000;
    while (Date.now() - started < seconds * 1000) {
      await sleep(Math.min(every, seconds * 1000 - (Date.now() - started)));
      const elapsedMin = (Date.now() - started) / 60_000;
      raw.push(await heapMB(cdp));
      await page.evaluate(() => {
        window.__frameStats!.skipUntil = Number.POSITIVE_INFINITY;
      });
      heap.push({ x: elapsedMin, y: await gcHeapMB(cdp) });
      await page.evaluate(() => {
        window.__frameStats!.skipUntil = performance.now() + 100;
      });
      if (Date.now() >= nextLog || Date.now() - started >= seconds * 1000) {
        nextLog += 30_000;
        const rate = (feed.rows() - rows0) / ((Date.now() - started) / 1000);
        const frames = await page.evaluate(() => window.__frameStats!);
        log(`  ${((Date.now() - started) / 1000).toFixed(0)} s: feed ${rate.toFixed(0)} rows/s, heap ${heap[heap.length - 1]!.y.toFixed(1)} MB, frames ${frames.count} (max ${frames.max.toFixed(0)} ms, >50 ms ${frames.over50}, >100 ms ${frames.over100}); generator ${generator.last()}`);
      }
    }
    if (process.env.FEED_BENCH_PROFILE) await profilePage(cdp, log);
    const elapsed = (Date.now() - started) / 1000;
    const main1 = await mainThread(cdp);
    const share = (k: keyof typeof main0) => `${(((main1[k] - main0[k]) / elapsed) * 100).toFixed(0)} %`;
    log(`  page main thread busy: tasks ${share('TaskDuration')}, script ${share('ScriptDuration')}, layout ${share('LayoutDuration')}, style ${share('RecalcStyleDuration')} of wall time`);
    const feedRate = (feed.rows() - rows0) / elapsed;
    const frames = await page.evaluate(() => {
      window.__frameStats!.running = false;
      return window.__frameStats!;
    });
    load.kill('SIGTERM');
    load = undefined;
    await sleep(1500);
    const heapEndMB = await gcHeapMB(cdp);
    const heapSlope = slope(heap);
    log(`  load phase ${elapsed.toFixed(0)} s: feed ${feedRate.toFixed(0)} rows/s (${feed.messages()} changes messages in all), generator ${generator.last()}`);
    log(`  frames: ${frames.count} (${(frames.count / elapsed).toFixed(0)}/s), longest ${frames.max.toFixed(1)} ms, >50 ms ${frames.over50}, >100 ms ${frames.over100}; longest ones ${JSON.stringify(frames.longest.slice(0, 10))}`);
    log(`  heap after GC (min → MB): ${heap.map((p) => `${p.x.toFixed(1)}→${p.y.toFixed(1)}`).join(', ')}`);
    log(`  heap as found before each GC (MB): ${raw.map((v) => v.toFixed(1)).join(', ')}`);
    log(`  heap after GC: ${heapStartMB.toFixed(1)} MB before the load, ${heapEndMB.toFixed(1)} MB after it; slope ${heapSlope.toFixed(2)} MB/min`);
    const tableRows = await page.locator(ROW_LINK).count();
    log(`  table still shows ${tableRows} rows; live indicator: ${await page.getByRole('status', { name: /^Live updates/ }).getAttribute('aria-label')}`);
    if (consoleErrors.length) log(`  browser console errors (${consoleErrors.length}): ${consoleErrors.slice(0, 5).join(' | ')}`);
    await context.close();

    return {
      latencyP50Ms: round(percentile(latency, 50)),
      latencyP95Ms: round(percentile(latency, 95)),
      longestFrameMs: round(frames.max),
      heapStartMB: round(heapStartMB),
      heapEndMB: round(heapEndMB),
      heapSlopeMBPerMin: Math.round(heapSlope * 100) / 100,
      feedChangesPerSecond: Math.round(feedRate),
      framesOver100Ms: frames.over100,
    };
  } finally {
    load?.kill('SIGTERM');
    await feed?.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const seconds = process.argv[2] ? Number(process.argv[2]) : undefined;
  const started = Date.now();
  const result = await runFeedBench({ seconds, log: (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`) });
  console.log(JSON.stringify(result, null, 2));
}
