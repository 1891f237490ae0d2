/**
 * One load generator process of `npm run soak` (bench/soak.ts forks two): `clients` raw MQTT 3.1.1
 * connections over `net` (packets built with mqtt-packet, frames split by their fixed header: far
 * cheaper than mqtt.js), publishing QoS 1 at `rate` messages/s in total, round robin over the
 * clients, to `soak/<gen>/<k>` (k < topics). Every PUBACK is matched to its message; on `stop`
 * it waits for the outstanding ones and reports what was acknowledged on the topics the soak's
 * subscribers read (k < subscribedTopics), plus its error counts.
 * IPC in: {type:'start', port, gen, clients, rate, topics, subscribedTopics}, {type:'stop'}.
 * IPC out: {type:'connected', connected, failed}, {type:'report', ...}.
 */
import net from 'node:net';
import mqttPacket from 'mqtt-packet';
import { FrameSplitter, PacketType } from './mqtt-raw.ts';

interface Start { type: 'start'; port: number; gen: number; clients: number; rate: number; topics: number; subscribedTopics: number }

interface Conn {
  idx: number;
  sock: net.Socket;
  ready: boolean;
  closed: boolean;
  nextId: number;
  seq: number;
  /** message id → [payload, topic index] awaiting its PUBACK. */
  outstanding: Map<number, [string, number]>;
}

const send = (m: unknown) => process.send?.(m);
let cfg: Start;
const conns: Conn[] = [];
const errors = { connectFailed: 0, connackRefused: 0, closedUnexpectedly: 0, unacked: 0, socketErrors: 0 };
let stopping = false;
let sent = 0;
let acked = 0;
/** Acknowledged payloads on subscribed topics (the subscribers must get each of them). */
const ackedSubscribed: string[] = [];

function connectOne(idx: number): Promise<void> {
  return new Promise((resolve) => {
    const sock = net.connect(cfg.port, '127.0.0.1');
    const c: Conn = { idx, sock, ready: false, closed: false, nextId: 1, seq: 0, outstanding: new Map() };
    sock.setNoDelay(true);
    let settled = false;
    const done = () => { if (!settled) { settled = true; resolve(); } };
    const splitter = new FrameSplitter((type, _flags, buf, body) => {
      if (type === PacketType.connack) {
        if (buf[body + 1] !== 0) errors.connackRefused++;
        else {
          c.ready = true;
          conns.push(c);
        }
        done();
      } else if (type === PacketType.puback) {
        const id = buf.readUInt16BE(body);
        const m = c.outstanding.get(id);
        if (m) {
          c.outstanding.delete(id);
          acked++;
          if (m[1] < cfg.subscribedTopics) ackedSubscribed.push(m[0]);
        }
      }
    });
    sock.on('data', (d) => splitter.push(d));
    sock.on('error', () => { errors.socketErrors++; });
    sock.on('close', () => {
      c.closed = true;
      c.ready = false;
      if (!settled) errors.connectFailed++;
      else if (!stopping) errors.closedUnexpectedly++;
      done();
    });
    sock.once('connect', () => {
      sock.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: `soak-g${cfg.gen}-${idx}`, clean: true, keepalive: 0 } as never));
    });
  });
}

function publishOne(c: Conn): void {
  const k = (c.idx + c.seq) % cfg.topics;
  const payload = `g${cfg.gen}:${c.idx}:${c.seq++}`;
  const id = c.nextId;
  // 65535 ids per client; with ~0.4 msg/s per client an id is never still outstanding when it comes round.
  c.nextId = c.nextId === 65535 ? 1 : c.nextId + 1;
  if (c.outstanding.has(id)) {
    errors.unacked++;
    c.outstanding.delete(id);
  }
  c.outstanding.set(id, [payload, k]);
  c.sock.write(mqttPacket.generate({ cmd: 'publish', topic: `soak/${cfg.gen}/${k}`, payload, qos: 1, retain: false, dup: false, messageId: id } as never));
  sent++;
}

async function start(m: Start): Promise<void> {
  cfg = m;
  // Paced connects: 100 at a time.
  for (let i = 0; i < m.clients; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, m.clients - i) }, (_, j) => connectOne(i + j)));
  }
  send({ type: 'connected', connected: conns.length, failed: m.clients - conns.length });
  // A steady rate: every 10 ms, the messages due since the start.
  const t0 = performance.now();
  let rr = 0;
  const tick = setInterval(() => {
    if (stopping) return clearInterval(tick);
    const due = Math.floor(((performance.now() - t0) / 1000) * m.rate) - sent;
    for (let i = 0; i < due && conns.length; i++) {
      const c = conns[rr++ % conns.length]!;
      if (c.ready && !c.closed) publishOne(c);
    }
  }, 10);
}

async function stop(): Promise<void> {
  stopping = true;
  // Outstanding PUBACKs get up to 15 s.
  const deadline = Date.now() + 15_000;
  const outstanding = () => conns.reduce((n, c) => n + (c.closed ? 0 : c.outstanding.size), 0);
  while (outstanding() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  errors.unacked += conns.reduce((n, c) => n + c.outstanding.size, 0);
  send({ type: 'report', gen: cfg.gen, sent, acked, errors, ackedSubscribed });
  for (const c of conns) c.sock.destroy();
  setTimeout(() => process.exit(0), 200);
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'start') void start(m as Start);
  else if (m.type === 'stop') void stop();
});
// The soak driver went away: so does this generator.
process.on('disconnect', () => process.exit(0));
