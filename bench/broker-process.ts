/**
 * One broker in its own process: `mqdash` (createBroker on the aedes engine, file database in
 * dataDir, MQTT state in memory), `engine` (createBroker on mqdash's own engine, `mqtt.engine:
 * 'mqdash'`, its MemorySessionStore), `aedes` (bare aedes with the same in-memory persistence class
 * the mqdash aedes build then uses), so throughput and memory figures compare like with like, or
 * `mosquitto` (Debian's, started by this process; its memory and CPU read from /proc). Driven over
 * IPC by bench/run.ts. With a third argument `http` the mqdash broker also serves the app over HTTP
 * (for `/metrics`, open to 127.0.0.1 by METRICS_ALLOW) and `listen` answers its port as `httpPort`.
 * Usage: tsx bench/broker-process.ts <mqdash|engine|aedes|mosquitto> [dataDir] [http]
 */
import http from 'node:http';
import net from 'node:net';
import { Aedes } from 'aedes';
import MemoryPersistence from 'aedes-persistence/asyncPersistence.js';
import { createBroker } from '@mqdash/broker';
import { createApp } from '../apps/server/src/app.ts';
import { serve } from './ipc.ts';
import { startMosquitto, type Mosquitto } from './mosquitto.ts';

const [kind, dataDir, serveHttp] = process.argv.slice(2);
if (kind !== 'mqdash' && kind !== 'engine' && kind !== 'aedes' && kind !== 'mosquitto') throw new Error('usage: broker-process.ts <mqdash|engine|aedes|mosquitto> [dataDir]');
let mosquitto: Mosquitto | undefined;

let port = 0;
let httpPort: number | undefined;
let connected: () => number = () => 0;
let close: () => Promise<void> = async () => {};

async function start(): Promise<number> {
  if (kind === 'mosquitto') {
    mosquitto = await startMosquitto();
    connected = () => mosquitto!.connected();
    close = () => mosquitto!.stop();
    return mosquitto.port;
  }
  if (kind === 'mqdash' || kind === 'engine') {
    if (!dataDir) throw new Error(`${kind} needs a dataDir`);
    // durable: false keeps aedes's in-memory persistence (the same class as bare aedes below), so
    // the comparison is of mqdash's own work, not of SQLite-backed MQTT state (bench/durable-qos1.ts).
    // BENCH_MQDASH_DURABLE=1 measures the default (durable) configuration instead.
    const durable = process.env.BENCH_MQDASH_DURABLE === '1';
    const broker = await createBroker({ dataDir, adminPassword: 'bench-admin-password', mqtt: { durable, engine: kind === 'engine' ? 'mqdash' : 'aedes' } });
    const server = await broker.listenMqtt(0, '127.0.0.1');
    connected = () => broker.engine.connectedCount();
    close = () => broker.close();
    if (serveHttp === 'http') {
      const metricsAllow = new net.BlockList();
      metricsAllow.addAddress('127.0.0.1');
      const web = http.createServer(createApp(broker, { maxBodyBytes: 1024 * 1024, metricsAllow }));
      await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
      httpPort = (web.address() as net.AddressInfo).port;
      close = async () => {
        web.closeAllConnections();
        web.close();
        await broker.close();
      };
    }
    return (server.address() as net.AddressInfo).port;
  }
  const aedes = await Aedes.createBroker({ persistence: new MemoryPersistence() as never });
  // Same socket handling as mqdash's listenTcp: Nagle off, one aedes.handle per connection.
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    aedes.handle(socket as never);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  connected = () => (aedes as unknown as { connectedClients: number }).connectedClients;
  close = async () => {
    server.close();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
  };
  return (server.address() as net.AddressInfo).port;
}

serve({
  async listen() {
    const t0 = performance.now();
    if (!port) port = await start();
    return { port, startMs: performance.now() - t0, ...(httpPort !== undefined ? { httpPort } : {}) };
  },
  stats() {
    if (mosquitto) return { ...mosquitto.usage(), t: performance.now(), clients: connected() };
    const m = process.memoryUsage();
    const c = process.cpuUsage();
    return { rss: m.rss, heapUsed: m.heapUsed, cpuMicros: c.user + c.system, t: performance.now(), clients: connected() };
  },
  async gc() {
    // Two passes plus a pause: what is left is live memory, not garbage waiting for a collection.
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 300));
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 700));
  },
  close() {
    return close();
  },
});
