/**
 * getMessagesFromMqTopic throughput: messages read per second, timed around broker.actions.run
 * (envelope, auth, validation, SQLite read and formatting: what an API caller waits for). A fresh
 * broker on a temp folder is filled through publishMessagesToMq (so the history is written by the
 * real write-behind), then read in a loop for `durationMs`, cycling through the four ways to start
 * (tail, head, startPosition, startTimestamp) over `topics` topics.
 * Standalone: `tsx bench/topic-history-bench.ts` prints the result as JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBroker } from '@mqdash/broker';

export interface TopicHistoryBenchOptions {
  /** Topics filled and read (default 10). */
  topics?: number;
  /** Messages kept per topic, the retention limit (default 1000, the product default). */
  messagesPerTopic?: number;
  /** maxMessages of each read (default 100, the action's default). */
  maxMessages?: number;
  /** Payload size in bytes (default 64, as the throughput bench). */
  payloadBytes?: number;
  /** How long reads are timed (default 5000 ms). */
  durationMs?: number;
}

export interface TopicHistoryBenchResult {
  /** Messages returned per second of wall-clock time, all read modes together. */
  messagesPerSecond: number;
  /** Reads (actions) per second. */
  readsPerSecond: number;
  /** Median and 95th-percentile latency of one read, ms. */
  p50Ms: number;
  p95Ms: number;
  reads: number;
  messagesRead: number;
  durationMs: number;
  config: Required<TopicHistoryBenchOptions>;
}

const ADMIN_PASSWORD = 'bench-admin-password';

export async function runTopicHistoryBench(options: TopicHistoryBenchOptions = {}): Promise<TopicHistoryBenchResult> {
  const config: Required<TopicHistoryBenchOptions> = {
    topics: options.topics ?? 10,
    messagesPerTopic: options.messagesPerTopic ?? 1000,
    maxMessages: options.maxMessages ?? 100,
    payloadBytes: options.payloadBytes ?? 64,
    durationMs: options.durationMs ?? 5000,
  };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-history-'));
  const broker = await createBroker({
    dataDir, adminPassword: ADMIN_PASSWORD, messaging: { topicHistory: { limit: config.messagesPerTopic } },
  });
  try {
    const run = async (action: string, params: Record<string, unknown>, authToken?: string) => {
      const r = await broker.actions.run({ action, params, authToken });
      if (r.errorCode !== 0) throw new Error(`${action}: ${r.errorCode} ${r.errorMessage}`);
      return r;
    };
    const token = (await run('createSession', { username: 'admin', password: ADMIN_PASSWORD })).authToken!;
    await run('createMqApiSession', { clientName: 'bench-history-writer' }, token);

    const payload = 'x'.repeat(config.payloadBytes);
    const topics = Array.from({ length: config.topics }, (_, i) => `bench/history/${i}`);
    const startedFill = Date.now();
    for (const topic of topics) {
      for (let done = 0; done < config.messagesPerTopic; done += 1000) {
        const n = Math.min(1000, config.messagesPerTopic - done);
        await run('publishMessagesToMq', {
          clientName: 'bench-history-writer',
          messages: Array.from({ length: n }, () => ({ topic, payload, qos: 0, contentType: 'text/plain' })),
        }, token);
      }
    }
    // A timestamp inside the history: the middle of the fill.
    const middle = new Date((startedFill + Date.now()) / 2).toISOString();

    const modes: Array<(topic: string, i: number) => Record<string, unknown>> = [
      (topic) => ({ topic }),
      (topic) => ({ topic, startFrom: 'head' }),
      (topic, i) => ({ topic, startPosition: 1 + ((i * 97) % Math.max(1, config.messagesPerTopic - config.maxMessages)) }),
      (topic) => ({ topic, startTimestamp: middle }),
    ];
    const latencies: number[] = [];
    let messagesRead = 0;
    let reads = 0;
    const t0 = performance.now();
    const end = t0 + config.durationMs;
    while (performance.now() < end) {
      const topic = topics[reads % topics.length]!;
      const params = { ...modes[reads % modes.length]!(topic, reads), maxMessages: config.maxMessages };
      const s = performance.now();
      const r = await run('getMessagesFromMqTopic', params, token);
      latencies.push(performance.now() - s);
      messagesRead += (r.result as { data: unknown[] }).data.length;
      reads++;
    }
    const durationMs = performance.now() - t0;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
    return {
      messagesPerSecond: Math.round((messagesRead * 1000) / durationMs),
      readsPerSecond: Math.round((reads * 1000) / durationMs),
      p50Ms: Math.round(pct(50) * 1000) / 1000,
      p95Ms: Math.round(pct(95) * 1000) / 1000,
      reads,
      messagesRead,
      durationMs: Math.round(durationMs),
      config,
    };
  } finally {
    await broker.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const durationMs = process.env.BENCH_QUICK === '1' ? 1500 : undefined;
  console.log(JSON.stringify(await runTopicHistoryBench({ durationMs }), null, 2));
}
