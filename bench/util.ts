import fs from 'node:fs';
import os from 'node:os';

export interface BenchConfig {
  quick: boolean;
  runs: number;
  warmupMs: number;
  durationMs: number;
  storedSessions: number;
  listIterations: number;
  idleClients: number;
  /** BENCH_ONLY=list,search,memory,throughput: a subset of the sections (default all). */
  only: Set<string>;
}

/** BENCH_QUICK=1: a smoke test of every step (1 run, 3 s, 0.5 s warm-up), not figures to quote. */
export function benchConfig(): BenchConfig {
  const quick = process.env.BENCH_QUICK === '1';
  return {
    quick,
    // BENCH_RUNS / BENCH_SECONDS: fewer or shorter runs while investigating (not for quoted figures).
    runs: Number(process.env.BENCH_RUNS ?? (quick ? 1 : 5)),
    warmupMs: quick ? 500 : 2000,
    durationMs: Number(process.env.BENCH_SECONDS ?? (quick ? 3 : 10)) * 1000,
    storedSessions: 100_000,
    listIterations: quick ? 50 : 200,
    idleClients: 5000,
    only: new Set((process.env.BENCH_ONLY ?? 'list,search,memory,throughput,metrics,durable,emqx,topics,retained,browser,startup,feed').split(',').map((x) => x.trim())),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: number[]) => percentile(values, 50);

/** CPU cores busy over one second, machine-wide (our idle broker and generator add ~0). */
async function busyCores(): Promise<number> {
  const read = () => {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3]! + f[4]!, total: f.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await sleep(1000);
  const b = read();
  return (1 - (b.idle - a.idle) / (b.total - a.total)) * os.cpus().length;
}

/** Other engineers share the machine: waits (within `quiet.budgetMs`) until it is idle. */
export async function waitForQuiet(quiet: { budgetMs: number }, log: (s: string) => void): Promise<void> {
  if (!fs.existsSync('/proc/stat')) return;
  const t0 = Date.now();
  let busy = await busyCores();
  while (busy > 0.3 && quiet.budgetMs > 0) {
    await sleep(4000);
    quiet.budgetMs -= 5000;
    busy = await busyCores();
  }
  if (Date.now() - t0 > 2000) log(`  waited ${((Date.now() - t0) / 1000).toFixed(0)} s for other work on the machine (${busy.toFixed(1)} cores busy now)`);
}
