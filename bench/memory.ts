/**
 * (3) Broker memory: RSS of the broker process idle, on a database of stored offline sessions, and
 * with idle MQTT connections (bare aedes with the same connections as the baseline). Readings
 * are taken after forced GCs so they show live memory, not garbage awaiting a collection.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Child, type BrokerStats, type Listening } from './ipc.ts';
import { sleep, type BenchConfig } from './util.ts';

const MB = 1024 * 1024;

async function rss(broker: Child): Promise<BrokerStats> {
  await broker.request({ cmd: 'gc' });
  return broker.request<BrokerStats>({ cmd: 'stats' });
}

/** Opens `count` idle connections and returns the broker's memory once it has them all. */
async function withIdleClients(broker: Child, port: number, gen: Child, count: number, log: (s: string) => void) {
  const t0 = performance.now();
  await gen.request({ cmd: 'idle', port, count, concurrency: 50 });
  for (let i = 0; i < 100 && (await broker.request<BrokerStats>({ cmd: 'stats' })).clients < count; i++) await sleep(100);
  log(`  ${count} clients connected in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await sleep(1000);
  const m = await rss(broker);
  if (m.clients !== count) throw new Error(`broker reports ${m.clients} connected clients, expected ${count}`);
  return m;
}

export async function runMemory(cfg: BenchConfig, fleetDataDir: string, log: (s: string) => void) {
  const gen = Child.start('load-generator.ts', [], 'load-generator');
  const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-mem-'));
  try {
    const idle = async (kind: 'mqdash' | 'aedes', dir?: string) => {
      const b = Child.start('broker-process.ts', dir ? [kind, dir] : [kind], `${kind} broker`);
      const { port, startMs } = await b.request<Listening>({ cmd: 'listen' });
      return { b, port, startMs, idle: await rss(b) };
    };
    // Bare aedes: idle, then with the idle connections.
    const ae = await idle('aedes');
    const aeClients = await withIdleClients(ae.b, ae.port, gen, cfg.idleClients, log);
    await gen.request({ cmd: 'stop' });
    await ae.b.stop();

    // mqdash on an empty database: the idle baseline.
    const mqEmpty = await idle('mqdash', emptyDir);
    await mqEmpty.b.stop();

    // mqdash started on the fleet database, then with the idle connections on top.
    const mq = await idle('mqdash', fleetDataDir);
    log(`  mqdash started on ${cfg.storedSessions} stored sessions in ${mq.startMs.toFixed(0)} ms`);
    const mqClients = await withIdleClients(mq.b, mq.port, gen, cfg.idleClients, log);
    await gen.request({ cmd: 'stop' });
    await mq.b.stop();

    const kb = (bytes: number) => bytes / 1024;
    return {
      idleClients: cfg.idleClients,
      storedSessions: cfg.storedSessions,
      aedes: {
        idleMB: ae.idle.rss / MB, withClientsMB: aeClients.rss / MB, perClientKB: kb(aeClients.rss - ae.idle.rss) / cfg.idleClients,
        heapPerClientKB: kb(aeClients.heapUsed - ae.idle.heapUsed) / cfg.idleClients },
      mqdash: {
        idleMB: mqEmpty.idle.rss / MB,
        storedMB: mq.idle.rss / MB,
        perStoredSessionKB: kb(mq.idle.rss - mqEmpty.idle.rss) / cfg.storedSessions,
        withClientsMB: mqClients.rss / MB,
        perClientKB: kb(mqClients.rss - mq.idle.rss) / cfg.idleClients,
        heapPerClientKB: kb(mqClients.heapUsed - mq.idle.heapUsed) / cfg.idleClients,
      },
    };
  } finally {
    await gen.stop();
    fs.rmSync(emptyDir, { recursive: true, force: true });
  }
}
