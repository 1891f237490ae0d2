/**
 * Throughput while Prometheus scrapes `/metrics` every second, against the same broker not scraped
 * (issue 14: medians of 5 runs, ratio ≥ 0.95). One mqdash broker process serving MQTT and HTTP
 * (`/metrics` open to 127.0.0.1 by METRICS_ALLOW), the raw-packet load generator in another; the
 * scraper is this process, one GET a second, each parsed as Prometheus text would be read. The
 * scenario is the throughput section's QoS 0 10 → 1, the one with the most messages per second
 * (the most counter updates between scrapes); the order of the two modes alternates between runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Child, type Listening } from './ipc.ts';
import { measure, scenarios, type Sample } from './throughput.ts';
import { median, percentile, waitForQuiet, type BenchConfig } from './util.ts';

export interface MetricsScrapeResult {
  scenario: string;
  scraped: number;
  notScraped: number;
  ratio: number;
  /** Messages per broker CPU-second, scraped and not, and their ratio: barely moved by CPU other processes take. */
  perCpuSecond: { scraped: number; notScraped: number; ratio: number };
  scrapes: number;
  scrapeMsP50: number;
  scrapeMsP95: number;
  exposedSeries: number;
  samples: { scraped: Sample[]; notScraped: Sample[] };
}

/** Scrapes `url` once a second until stopped; records how long each scrape took (request to last byte). */
function startScraping(url: string) {
  const times: number[] = [];
  let series = 0;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const scrapeOnce = async () => {
    const t0 = performance.now();
    const res = await fetch(url);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${text.slice(0, 200)}`);
    times.push(performance.now() - t0);
    series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
  };
  const timer = setInterval(() => {
    if (!stopped) running = running.then(scrapeOnce);
  }, 1000);
  return {
    times,
    series: () => series,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

export async function runMetricsScrape(cfg: BenchConfig, log: (s: string) => void): Promise<MetricsScrapeResult> {
  const scenario = scenarios.find((s) => s.key === 'qos0_10to1')!;
  const runCfg = { ...cfg, warmupMs: cfg.quick ? 500 : 1000, durationMs: cfg.quick ? 2000 : 5000 };
  const samples: MetricsScrapeResult['samples'] = { scraped: [], notScraped: [] };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-metrics-'));
  const broker = Child.start('broker-process.ts', ['mqdash', dataDir, 'http'], 'mqdash broker (HTTP)');
  const gen = Child.start('load-generator.ts', [], 'load-generator');
  const scrapeTimes: number[] = [];
  let series = 0;
  const quiet = { budgetMs: cfg.quick ? 5_000 : 30_000 };
  try {
    const { port, httpPort } = await broker.request<Listening>({ cmd: 'listen' });
    if (httpPort === undefined) throw new Error('the broker process did not serve HTTP');
    const url = `http://127.0.0.1:${httpPort}/metrics`;
    for (let run = 0; run < cfg.runs; run++) {
      const order = run % 2 === 0 ? ['notScraped', 'scraped'] as const : ['scraped', 'notScraped'] as const;
      for (const mode of order) {
        await waitForQuiet(quiet, log);
        const scraper = mode === 'scraped' ? startScraping(url) : null;
        let r: Sample;
        try {
          r = await measure(broker, port, gen, scenario, runCfg);
        } finally {
          await scraper?.stop();
        }
        if (scraper) {
          scrapeTimes.push(...scraper.times);
          series = scraper.series();
        }
        samples[mode].push(r);
        log(`  run ${run + 1}/${cfg.runs} ${mode === 'scraped' ? '/metrics every 1 s' : 'not scraped      '} ${Math.round(r.rate).toString().padStart(7)} msgs/s`
          + `  broker CPU ${r.brokerCpu.toFixed(0)}%${scraper ? `  ${scraper.times.length} scrapes` : ''}  load ${r.loadAverage.toFixed(2)}${r.contended ? '  contended' : ''}`);
      }
    }
  } finally {
    await Promise.all([broker.stop(), gen.stop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const scraped = median(samples.scraped.map((s) => s.rate));
  const notScraped = median(samples.notScraped.map((s) => s.rate));
  const cpuScraped = median(samples.scraped.map((s) => s.perCpuSecond));
  const cpuNotScraped = median(samples.notScraped.map((s) => s.perCpuSecond));
  return {
    scenario: scenario.label, scraped, notScraped, ratio: scraped / notScraped, scrapes: scrapeTimes.length,
    perCpuSecond: { scraped: cpuScraped, notScraped: cpuNotScraped, ratio: cpuScraped / cpuNotScraped },
    scrapeMsP50: percentile(scrapeTimes, 50), scrapeMsP95: percentile(scrapeTimes, 95), exposedSeries: series, samples,
  };
}
