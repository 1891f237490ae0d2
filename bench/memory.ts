/**
 * (3) Broker memory: RSS of the broker process idle, on a database of stored offline sessions, and
 * with idle MQTT connections (bare aedes with the same connections as the baseline). Readings
 * are taken after forced GCs so they show live memory, not garbage awaiting a collection.
 * The own engine (createBroker, `mqtt.engine: 'mqdash'`) and Debian's mosquitto get the same idle
 * connections: RSS per idle connection, and the broker's CPU time per CONNECT (accept, CONNECT,
 * CONNACK and, for createBroker, the session registry's write: measured once the writes are done).
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

/**
 * Opens `count` idle connections and returns the broker's memory once it has them all, with its
 * CPU time per connection (from before the first CONNECT to 1 s after the last, before any GC).
 */
async function withIdleClients(broker: Child, port: number, gen: Child, count: number, log: (s: string) => void) {
  const t0 = performance.now();
  const before = await broker.request<BrokerStats>({ cmd: 'stats' });
  await gen.request({ cmd: 'idle', port, count, concurrency: 50 });
  for (let i = 0; i < 100 && (await broker.request<BrokerStats>({ cmd: 'stats' })).clients < count; i++) await sleep(100);
  log(`  ${count} clients connected in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await sleep(1000);
  const after = await broker.request<BrokerStats>({ cmd: 'stats' });
  const m = await rss(broker);
  if (m.clients !== count) throw new Error(`broker reports ${m.clients} connected clients, expected ${count}`);
  return { ...m, cpuPerConnectMicros: (after.cpuMicros - before.cpuMicros) / count };
}

export async function runMemory(cfg: BenchConfig, fleetDataDir: string, log: (s: string) => void) {
  const gen = Child.start('load-generator.ts', [], 'load-generator');
  const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-mem-'));
  try {
    const idle = async (kind: 'mqdash' | 'engine' | 'aedes' | 'mosquitto', dir?: string) => {
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

    // The own engine on an empty database, and mosquitto: idle, then with the idle connections.
    const engineDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-mem-engine-'));
    const en = await idle('engine', engineDir);
    const enClients = await withIdleClients(en.b, en.port, gen, cfg.idleClients, log);
    await gen.request({ cmd: 'stop' });
    await en.b.stop();
    fs.rmSync(engineDir, { recursive: true, force: true });
    const mo = await idle('mosquitto');
    const moClients = await withIdleClients(mo.b, mo.port, gen, cfg.idleClients, log);
    await gen.request({ cmd: 'stop' });
    await mo.b.stop();

    const kb = (bytes: number) => bytes / 1024;
    return {
      idleClients: cfg.idleClients,
      storedSessions: cfg.storedSessions,
      aedes: {
        idleMB: ae.idle.rss / MB, withClientsMB: aeClients.rss / MB, perClientKB: kb(aeClients.rss - ae.idle.rss) / cfg.idleClients,
        heapPerClientKB: kb(aeClients.heapUsed - ae.idle.heapUsed) / cfg.idleClients, cpuPerConnectMicros: aeClients.cpuPerConnectMicros },
      engine: {
        idleMB: en.idle.rss / MB, withClientsMB: enClients.rss / MB, perClientKB: kb(enClients.rss - en.idle.rss) / cfg.idleClients,
        heapPerClientKB: kb(enClients.heapUsed - en.idle.heapUsed) / cfg.idleClients, cpuPerConnectMicros: enClients.cpuPerConnectMicros },
      mosquitto: {
        idleMB: mo.idle.rss / MB, withClientsMB: moClients.rss / MB, perClientKB: kb(moClients.rss - mo.idle.rss) / cfg.idleClients,
        cpuPerConnectMicros: moClients.cpuPerConnectMicros },
      mqdash: {
        idleMB: mqEmpty.idle.rss / MB,
        storedMB: mq.idle.rss / MB,
        perStoredSessionKB: kb(mq.idle.rss - mqEmpty.idle.rss) / cfg.storedSessions,
        withClientsMB: mqClients.rss / MB,
        perClientKB: kb(mqClients.rss - mq.idle.rss) / cfg.idleClients,
        heapPerClientKB: kb(mqClients.heapUsed - mq.idle.heapUsed) / cfg.idleClients,
        cpuPerConnectMicros: mqClients.cpuPerConnectMicros,
      },
    };
  } finally {
    await gen.stop();
    fs.rmSync(emptyDir, { recursive: true, force: true });
  }
}
