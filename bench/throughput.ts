/**
 * (1) Message throughput: mqdash on aedes (`mqdash`), mqdash's own engine (`engine`), bare aedes
 * and Debian's mosquitto. Per run every broker starts fresh in its own process; each scenario is
 * measured on each, the order rotating between runs so drift in the shared machine's load does not
 * favour one broker. Brokers are pinned to CPU 0, the load generator to CPU 1 (BENCH_PIN=0: not).
 * Only messages delivered count (a broker that drops QoS 1 messages under load is not credited).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Child, type BrokerStats, type GeneratorSnapshot, type Listening } from './ipc.ts';
import { median, sleep, waitForQuiet, type BenchConfig } from './util.ts';

export interface Scenario { key: string; label: string; pubs: number; subs: number; qos: 0 | 1; pubWindow: number; e2eWindow: number }

export const scenarios: Scenario[] = [
  // Windows: QoS 0 is paced end to end (≤ e2eWindow messages not yet delivered); QoS 1 by PUBACKs.
  { key: 'qos0_10to1', label: 'QoS 0, 10 pub → 1 sub', pubs: 10, subs: 1, qos: 0, pubWindow: 100, e2eWindow: 2000 },
  { key: 'qos1_10to1', label: 'QoS 1, 10 pub → 1 sub', pubs: 10, subs: 1, qos: 1, pubWindow: 100, e2eWindow: 2000 },
  { key: 'qos0_1to100', label: 'QoS 0, 1 pub → 100 subs', pubs: 1, subs: 100, qos: 0, pubWindow: 20, e2eWindow: 100 },
];

export const kinds = ['mqdash', 'engine', 'aedes', 'mosquitto'] as const;
export type Kind = (typeof kinds)[number];
export interface Sample {
  rate: number;
  /** Messages per second of broker CPU: unlike `rate`, barely moved by CPU other processes take. */
  perCpuSecond: number;
  brokerCpu: number;
  generatorCpu: number;
  /** The broker had under 90% of a core: the machine was contended (or the broker was not the bottleneck). */
  contended: boolean;
  published: number;
  received: number;
  loadAverage: number;
}

const CONTENDED_BELOW = 90;

export async function measure(broker: Child, port: number, gen: Child, s: Scenario, cfg: BenchConfig): Promise<Sample> {
  await gen.request({ cmd: 'load', port, ...s, payloadBytes: 64 });
  await sleep(cfg.warmupMs);
  const [g1, b1] = await Promise.all([gen.request<GeneratorSnapshot>({ cmd: 'snapshot' }), broker.request<BrokerStats>({ cmd: 'stats' })]);
  await sleep(cfg.durationMs);
  const [g2, b2] = await Promise.all([gen.request<GeneratorSnapshot>({ cmd: 'snapshot' }), broker.request<BrokerStats>({ cmd: 'stats' })]);
  await gen.request({ cmd: 'stop' });
  // Let the broker finish the disconnects before the next measurement starts.
  await sleep(500);
  const ms = g2.t - g1.t;
  const rate = ((g2.received - g1.received) * 1000) / ms;
  const brokerCpu = (b2.cpuMicros - b1.cpuMicros) / 10 / (b2.t - b1.t);
  return {
    rate,
    perCpuSecond: rate / (brokerCpu / 100),
    brokerCpu,
    generatorCpu: (g2.cpuMicros - g1.cpuMicros) / 10 / ms,
    contended: brokerCpu < CONTENDED_BELOW,
    published: g2.published - g1.published,
    received: g2.received - g1.received,
    // Our broker and generator alone make ~2 on this 2-core machine; more means other work ran too.
    loadAverage: os.loadavg()[0]!,
  };
}

export async function runThroughput(cfg: BenchConfig, log: (s: string) => void) {
  const samples: Record<string, Record<Kind, Sample[]>> = {};
  for (const s of scenarios) samples[s.key] = { mqdash: [], engine: [], aedes: [], mosquitto: [] };
  const gen = Child.start('load-generator.ts', [], 'load-generator');
  pin(gen, 1);
  // Other engineers share the 2 cores. Before each sample wait (within a budget) until the machine
  // is idle; a sample where the broker still did not get a core is measured once more, within a
  // budget too, so the whole run stays under ~15 minutes.
  let retries = cfg.quick ? 1 : 6;
  const quiet = { budgetMs: cfg.quick ? 10_000 : 180_000 };
  try {
    for (let run = 0; run < cfg.runs; run++) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-tp-'));
      const engineDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-tp-engine-'));
      const brokers: Record<Kind, Child> = {
        mqdash: Child.start('broker-process.ts', ['mqdash', dataDir], 'mqdash broker'),
        engine: Child.start('broker-process.ts', ['engine', engineDir], 'own engine broker'),
        aedes: Child.start('broker-process.ts', ['aedes'], 'aedes broker'),
        mosquitto: Child.start('broker-process.ts', ['mosquitto'], 'mosquitto broker'),
      };
      for (const kind of kinds) pin(brokers[kind], 0);
      try {
        const ports = {} as Record<Kind, number>;
        for (const kind of kinds) ports[kind] = (await brokers[kind].request<Listening>({ cmd: 'listen' })).port;
        // rotate the order each run: every broker is measured first, second, … as often
        const order: Kind[] = kinds.map((_, i) => kinds[(i + run) % kinds.length]!);
        for (const s of scenarios) {
          for (const kind of order) {
            let r: Sample;
            for (let attempt = 0; ; attempt++) {
              await waitForQuiet(quiet, log);
              r = await measure(brokers[kind], ports[kind], gen, s, cfg);
              log(`  run ${run + 1}/${cfg.runs} ${s.label.padEnd(24)} ${kind.padEnd(9)} ${Math.round(r.rate).toString().padStart(7)} msgs/s`
                + `  broker CPU ${r.brokerCpu.toFixed(0)}%  generator CPU ${r.generatorCpu.toFixed(0)}%  load ${r.loadAverage.toFixed(2)}`
                + (r.contended ? (retries > 0 && attempt === 0 ? '  contended: again' : '  contended: kept') : ''));
              if (!r.contended || attempt > 0 || retries-- <= 0) break;
            }
            samples[s.key]![kind].push(r);
          }
        }
      } finally {
        await Promise.all(kinds.map((kind) => brokers[kind].stop()));
        fs.rmSync(dataDir, { recursive: true, force: true });
        fs.rmSync(engineDir, { recursive: true, force: true });
      }
    }
  } finally {
    await gen.stop();
  }
  const perKind = (f: (k: Kind) => number) => Object.fromEntries(kinds.map((k) => [k, f(k)])) as Record<Kind, number>;
  return scenarios.map((s) => {
    const m = samples[s.key]!;
    const rate = perKind((k) => median(m[k].map((x) => x.rate)));
    const cpu = perKind((k) => median(m[k].map((x) => x.perCpuSecond)));
    const all = kinds.flatMap((k) => m[k]);
    return {
      key: s.key, label: s.label, mqdash: rate.mqdash, aedes: rate.aedes, ratio: rate.mqdash / rate.aedes,
      /** Medians of every broker, and the own engine against bare aedes and mosquitto. */
      rates: rate,
      engineRatio: { aedes: rate.engine / rate.aedes, mosquitto: rate.engine / rate.mosquitto },
      perCpuSecond: { mqdash: cpu.mqdash, aedes: cpu.aedes, ratio: cpu.mqdash / cpu.aedes, all: cpu },
      /** Messages the broker did not deliver (published × subscribers − received), per broker, summed over the runs. */
      undelivered: perKind((k) => m[k].reduce((sum, x) => sum + Math.max(0, x.published * s.subs - x.received), 0)),
      contendedSamples: all.filter((x) => x.contended).length,
      brokerCpu: perKind((k) => median(m[k].map((x) => x.brokerCpu))),
      generatorCpu: median(all.map((x) => x.generatorCpu)),
      samples: m,
    };
  });
}

/** Pins a child (and the processes it starts) to one CPU, so brokers and the generator do not share one. */
export function pin(child: Child, cpu: number): void {
  if (process.env.BENCH_PIN === '0' || os.cpus().length < 2 || !child.proc.pid) return;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(child.proc.pid)], { stdio: 'ignore' });
  } catch {
    // taskset missing: unpinned, as before
  }
}

