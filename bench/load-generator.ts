/**
 * The load generator, in its own process so the broker under test has the other core. Raw MQTT
 * 3.1.1 over `net`: pre-built PUBLISH batches, frames counted from fixed headers only (mqtt.js
 * saturates its own core before aedes does, DESIGN §8). Driven over IPC by bench/run.ts.
 */
import { serve } from './ipc.ts';
import {
  RawClient, PacketType, connectPacket, publishBatch, publishMessageId, publishTemplate, pubackBatch, subscribePacket,
} from './mqtt-raw.ts';


const tag = Math.random().toString(36).slice(2, 8);
let clients: RawClient[] = [];
const counters = { published: 0, received: 0, running: false };

interface LoadSpec { port: number; pubs: number; subs: number; qos: 0 | 1; pubWindow: number; e2eWindow: number; payloadBytes: number }

async function startLoad(s: LoadSpec): Promise<void> {
  Object.assign(counters, { published: 0, received: 0, running: false });
  const subs: RawClient[] = [];
  for (let i = 0; i < s.subs; i++) {
    const c = await RawClient.connect(s.port, connectPacket(`bench-sub-${tag}-${i}`));
    const acks: number[] = [];
    c.onPublish = (flags, buf, body) => {
      counters.received++;
      if (flags & 0x06) acks.push(publishMessageId(buf, body));
    };
    // QoS 1 deliveries are acknowledged once per chunk, in one write.
    c.afterChunk = () => {
      if (acks.length) {
        c.sock.write(pubackBatch(acks));
        acks.length = 0;
      }
      pump();
    };
    const subAck = c.expect(PacketType.suback);
    c.sock.write(subscribePacket('bench/+', s.qos));
    await subAck;
    subs.push(c);
  }
  const payload = Buffer.alloc(s.payloadBytes, 0x61);
  const pubs: Array<{ c: RawClient; inflight: number; nextId: number; template: ReturnType<typeof publishTemplate> }> = [];
  for (let i = 0; i < s.pubs; i++) {
    const c = await RawClient.connect(s.port, connectPacket(`bench-pub-${tag}-${i}`));
    const p = { c, inflight: 0, nextId: 0, template: publishTemplate(`bench/${i}`, payload, s.qos) };
    c.onPuback = () => { p.inflight--; };
    c.afterChunk = pump;
    pubs.push(p);
  }
  clients = [...subs, ...pubs.map((p) => p.c)];
  const nextId = (p: { nextId: number }) => () => (p.nextId = (p.nextId % 65535) + 1);
  let rr = 0;

  // Credit-based pacing: at most e2eWindow messages published but not yet seen by the subscribers
  // (bounds the broker's queues for QoS 0), and for QoS 1 at most pubWindow unacknowledged per publisher.
  function pump(): void {
    if (!counters.running) return;
    let free = Math.floor(s.e2eWindow - (counters.published - counters.received / s.subs));
    for (let k = 0; k < pubs.length && free > 0; k++) {
      const p = pubs[(rr + k) % pubs.length]!;
      if (p.c.blocked) continue;
      const n = Math.min(free, s.qos ? s.pubWindow - p.inflight : s.pubWindow);
      if (n <= 0) continue;
      p.c.write(publishBatch(p.template, s.qos, n, nextId(p)), pump);
      if (s.qos) p.inflight += n;
      counters.published += n;
      free -= n;
    }
    rr = (rr + 1) % pubs.length;
  }
  counters.running = true;
  pump();
}

function closeAll(): void {
  counters.running = false;
  for (const c of clients) c.sock.destroy();
  clients = [];
}

serve({
  async load(m) {
    await startLoad(m as unknown as LoadSpec);
    return {};
  },
  snapshot() {
    const c = process.cpuUsage();
    return { received: counters.received, published: counters.published, t: performance.now(), cpuMicros: c.user + c.system };
  },
  stop() {
    closeAll();
    return {};
  },
  /** Opens `count` idle connections, `concurrency` CONNECTs at a time. */
  async idle(m) {
    const { port, count, concurrency } = m as unknown as { port: number; count: number; concurrency: number };
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        clients.push(await RawClient.connect(port, connectPacket(`bench-idle-${tag}-${i}`)));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { connected: clients.length };
  },
});
