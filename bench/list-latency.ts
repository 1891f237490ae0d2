/**
 * (2) listMqSessions latency over a large stored fleet, timed around broker.actions.run (envelope,
 * auth, validation, SQL and formatting: what an API caller waits for). The query plans are
 * captured too, so a missed target shows why.
 */
import { createBroker } from '@mqdash/broker';
import type Database from 'better-sqlite3';
import { regions, prng, seedSessions } from './seed.ts';
import { percentile, waitForQuiet, type BenchConfig } from './util.ts';

const ADMIN_PASSWORD = 'bench-admin-password';

/** Records the arguments each sessions query last ran with, to EXPLAIN it afterwards. */
export function captureQueries(db: Database.Database): Map<string, unknown[]> {
  const seen = new Map<string, unknown[]>();
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const st = prepare(sql);
    if (!/FROM sessions/.test(sql) || !sql.startsWith('SELECT')) return st;
    for (const m of ['all', 'get'] as const) {
      const orig = (st[m] as (...a: unknown[]) => unknown).bind(st);
      (st as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => {
        seen.set(sql, args);
        return orig(...args);
      };
    }
    return st;
  }) as typeof db.prepare;
  return seen;
}

export function explain(db: Database.Database, sql: string, args: unknown[]): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail);
}

export async function runListLatency(cfg: BenchConfig, dataDir: string, log: (s: string) => void) {
  const broker = await createBroker({ dataDir, adminPassword: ADMIN_PASSWORD });
  try {
    const db = (broker.store as unknown as { db: Database.Database }).db;
    const seen = captureQueries(db);
    const t = performance.now();
    seedSessions(broker.store, cfg.storedSessions);
    log(`  inserted ${broker.store.countSessions()} sessions in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const login = await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } });
    const authToken = login.authToken;
    // CPU time besides wall-clock time: on a busy shared machine the wall-clock p95 measures the
    // neighbours, the CPU time still measures the query.
    const cpuTimes: number[] = [];
    const run = async (params: Record<string, unknown>) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const res = await broker.actions.run({ action: 'listMqSessions', params, authToken });
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      cpuTimes.push((c.user + c.system) / 1000);
      if (res.errorCode !== 0) throw new Error(`listMqSessions failed: ${res.errorMessage}`);
      return { ms, rows: (res.result as { data: unknown[]; totalCount: number }).data.length, total: (res.result as { totalCount: number }).totalCount };
    };

    // A quarter of the prefixes are like the brief's "dev-eu-1" (11,111 names of 100,000 before the
    // other filters), the rest narrower (1,111 / 111 / 11 names): the p95 is that of the wide ones.
    const rnd = prng(7);
    const digit = () => Math.floor(rnd() * 10);
    const prefixes = Array.from({ length: cfg.listIterations }, (_, i) => {
      const lead = i % 4 === 0 ? '1' : `${2 + Math.floor(rnd() * 8)}`;
      return `dev-${regions[i % regions.length]}-${lead}${i % 4 >= 2 ? digit() : ''}${i % 4 === 3 ? digit() : ''}`;
    });
    const filtered = (prefix: string) => ({
      partialClientName: prefix, connectionStatusFilter: ['disconnected'], healthFilter: ['offline'], sortDescending: 'lastConnect', maxRecords: 100,
    });
    for (let i = 0; i < 10; i++) await run(filtered(prefixes[i]!)); // statement preparation, page cache
    await waitForQuiet({ budgetMs: cfg.quick ? 10_000 : 60_000 }, log);
    cpuTimes.length = 0;
    const times: number[] = [];
    const byPrefixNames: Record<string, number[]> = {};
    let matched = 0;
    for (const p of prefixes) {
      const r = await run(filtered(p));
      times.push(r.ms);
      (byPrefixNames[namesWithPrefix(p, cfg.storedSessions)] ??= []).push(r.ms);
      matched += r.total;
    }
    const filteredPlan = [...seen].filter(([sql]) => sql.includes('client_name >=')).map(([sql, args]) => ({ sql, plan: explain(db, sql, args) }));

    const filteredCpu = [...cpuTimes];
    // The same filters without a prefix: every offline session is counted and sorted (reported, no target).
    const noPrefix = await repeat(run, filtered(''), Math.max(20, cfg.listIterations / 10));

    seen.clear();
    const pageTimes = await repeat(run, { maxRecords: 100 }, Math.max(20, cfg.listIterations / 4));
    const pagePlan = [...seen].map(([sql, args]) => ({ sql, plan: explain(db, sql, args) }));

    return {
      sessions: broker.store.countSessions(),
      filtered: {
        example: filtered(prefixes[0]!), iterations: times.length, meanTotalCount: Math.round(matched / times.length),
        p50: percentile(times, 50), p95: percentile(times, 95), max: percentile(times, 100), cpuP95: percentile(filteredCpu, 95),
        p95ByNamesWithPrefix: Object.fromEntries(Object.entries(byPrefixNames).map(([k, v]) => [k, percentile(v, 95)])),
        plans: filteredPlan,
      },
      filteredNoPrefix: { iterations: noPrefix.length, p50: percentile(noPrefix, 50), p95: percentile(noPrefix, 95) },
      page: { params: { maxRecords: 100 }, iterations: pageTimes.length, p50: percentile(pageTimes, 50), p95: percentile(pageTimes, 95), plans: pagePlan },
    };
  } finally {
    await broker.close();
  }
}

/** How many seeded names (dev-<region>-<n>, n < count / regions) start with `prefix`. */
function namesWithPrefix(prefix: string, count: number): number {
  const digits = prefix.slice(prefix.lastIndexOf('-') + 1);
  let n = 0;
  for (let i = 0; i < count / regions.length; i++) if (String(i).startsWith(digits)) n++;
  return n;
}

async function repeat(run: (p: Record<string, unknown>) => Promise<{ ms: number }>, params: Record<string, unknown>, times: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times + 3; i++) {
    const { ms } = await run(params);
    if (i >= 3) out.push(ms); // the first ones prepare statements
  }
  return out;
}
