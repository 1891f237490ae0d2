/**
 * (issue 13) listMqSessions `searchText` over 100,000 stored sessions: a term that matches about
 * 1% of them (a substring of user names, or of client names away from their start), sorted by
 * client name, the first page of 50 with totalCount; timed around broker.actions.run like the
 * list section, with the query plans, so a missed target shows why. Target p95 < 50 ms.
 */
import { createBroker } from '@mqdash/broker';
import type Database from 'better-sqlite3';
import { captureQueries, explain } from './list-latency.ts';
import { regions, seedSessions } from './seed.ts';
import { percentile, waitForQuiet, type BenchConfig } from './util.ts';

const ADMIN_PASSWORD = 'bench-admin-password';

/**
 * Terms of about 1% each over the seeded fleet (bench/seed.ts): "ser<k>" is inside user<k> and
 * user<k>0..user<k>9 (11 of 500 user names, on half the sessions); "<r>-<k>" (the region's last
 * letter, e.g. "u-12") inside dev-eu-12, dev-eu-12x … dev-eu-12xxx (1,111 of 100,000 names).
 */
function terms(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    // User names run to user499 (user<k>0..9 exist for k < 50), a region's numbers to 19999 (k < 20).
    const k = i % 2 === 0 ? 10 + (i * 7) % 40 : 10 + (i * 3) % 10;
    return i % 2 === 0 ? `ser${k}` : `${regions[i % regions.length]!.slice(-1)}-${k}`;
  });
}

export async function runSearchLatency(cfg: BenchConfig, dataDir: string, seeded: boolean, log: (s: string) => void) {
  const broker = await createBroker({ dataDir, adminPassword: ADMIN_PASSWORD });
  try {
    const db = (broker.store as unknown as { db: Database.Database }).db;
    if (!seeded) {
      const t = performance.now();
      seedSessions(broker.store, cfg.storedSessions);
      log(`  inserted ${broker.store.countSessions()} sessions in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    const seen = captureQueries(db);
    const login = await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } });
    const authToken = login.authToken;
    const run = async (searchText: string) => {
      const t0 = performance.now();
      const res = await broker.actions.run({ action: 'listMqSessions', params: { searchText, sortAscending: 'clientName', maxRecords: 50 }, authToken });
      const ms = performance.now() - t0;
      if (res.errorCode !== 0) throw new Error(`listMqSessions failed: ${res.errorMessage}`);
      const r = res.result as { data: unknown[]; totalCount: number };
      return { ms, rows: r.data.length, total: r.totalCount };
    };
    const list = terms(cfg.listIterations);
    for (const term of list.slice(0, 10)) await run(term); // statement preparation, page cache
    await waitForQuiet({ budgetMs: cfg.quick ? 10_000 : 60_000 }, log);
    const times: number[] = [];
    const totals: number[] = [];
    for (const term of list) {
      const r = await run(term);
      times.push(r.ms);
      totals.push(r.total);
    }
    const sessions = broker.store.countSessions();
    const meanTotal = totals.reduce((a, b) => a + b, 0) / totals.length;
    return {
      sessions,
      example: { searchText: list[0], sortAscending: 'clientName', maxRecords: 50 },
      iterations: times.length,
      meanTotalCount: Math.round(meanTotal),
      meanMatchedShare: meanTotal / sessions,
      p50: percentile(times, 50), p95: percentile(times, 95), max: percentile(times, 100),
      plans: [...seen].filter(([sql]) => sql.includes('sessions_search')).map(([sql, args]) => ({ sql, plan: explain(db, sql, args) })),
    };
  } finally {
    await broker.close();
  }
}
