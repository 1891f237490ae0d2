/**
 * Just enough MQTT 3.1.1 for the load generator: packets built once with mqtt-packet and reused as
 * Buffers, and a frame splitter that only reads fixed headers. A full parser per message would
 * cost the generator more CPU than the broker spends, and the generator must never be the bottleneck.
 */
import mqttPacket from 'mqtt-packet';
import net from 'node:net';

const opts = { protocolVersion: 4 };

export const PacketType = { connack: 2, publish: 3, puback: 4, suback: 9 } as const;

export function connectPacket(clientId: string): Buffer {
  // keep-alive 0: idle clients must not need PINGREQs during the memory test.
  return mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId, clean: true, keepalive: 0 }, opts);
}

export function subscribePacket(topic: string, qos: 0 | 1, messageId = 1): Buffer {
  return mqttPacket.generate({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos }] }, opts);
}

/** A PUBLISH template; for QoS 1 `idOffset` is where the 2-byte message id sits, patched per copy. */
export function publishTemplate(topic: string, payload: Buffer, qos: 0 | 1): { packet: Buffer; idOffset: number } {
  const packet = mqttPacket.generate({ cmd: 'publish', topic, payload, qos, retain: false, dup: false, messageId: qos ? 1 : undefined }, opts);
  return { packet, idOffset: packet.length - payload.length - 2 };
}

/** `count` copies of a PUBLISH in one Buffer (one socket write), message ids from `nextId` on (QoS 1). */
export function publishBatch(t: { packet: Buffer; idOffset: number }, qos: 0 | 1, count: number, nextId: () => number): Buffer {
  const n = t.packet.length;
  const out = Buffer.allocUnsafe(n * count);
  for (let i = 0; i < count; i++) {
    t.packet.copy(out, i * n);
    if (qos) out.writeUInt16BE(nextId(), i * n + t.idOffset);
  }
  return out;
}

/** PUBACKs for the given message ids, in one Buffer. */
export function pubackBatch(ids: number[]): Buffer {
  const out = Buffer.allocUnsafe(4 * ids.length);
  for (let i = 0; i < ids.length; i++) {
    out[i * 4] = 0x40;
    out[i * 4 + 1] = 2;
    out.writeUInt16BE(ids[i]!, i * 4 + 2);
  }
  return out;
}

/**
 * Splits a byte stream into MQTT frames and calls `onFrame(type, flags, buf, bodyStart)` for each.
 * Only the (rare) partial frame at the end of a chunk is copied.
 */
export class FrameSplitter {
  private rest: Buffer | null = null;

  constructor(private readonly onFrame: (type: number, flags: number, buf: Buffer, bodyStart: number) => void) {}

  push(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = null;
    let pos = 0;
    while (pos < buf.length) {
      // Fixed header: 1 byte, then the remaining length as a 1-4 byte varint.
      let len = 0;
      let mul = 1;
      let p = pos + 1;
      let complete = false;
      while (p < buf.length && p < pos + 5) {
        const b = buf[p++]!;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || p + len > buf.length) break;
      const h = buf[pos]!;
      this.onFrame(h >> 4, h & 0x0f, buf, p);
      pos = p + len;
    }
    if (pos < buf.length) this.rest = Buffer.from(buf.subarray(pos));
  }
}

/** The message id of a QoS>0 PUBLISH frame whose variable header starts at `bodyStart`. */
export function publishMessageId(buf: Buffer, bodyStart: number): number {
  const topicLen = buf.readUInt16BE(bodyStart);
  return buf.readUInt16BE(bodyStart + 2 + topicLen);
}

/** One raw MQTT 3.1.1 connection over `net` for the load generators: frames counted from fixed headers only. */
export class RawClient {
  onPublish: (flags: number, buf: Buffer, bodyStart: number) => void = () => {};
  onPuback: () => void = () => {};
  afterChunk: () => void = () => {};
  private waiter: { type: number; resolve: () => void } | null = null;
  blocked = false;

  private constructor(readonly sock: net.Socket) {
    const splitter = new FrameSplitter((type, flags, buf, body) => {
      if (type === PacketType.publish) this.onPublish(flags, buf, body);
      else if (type === PacketType.puback) this.onPuback();
      else if (this.waiter?.type === type) {
        const w = this.waiter;
        this.waiter = null;
        w.resolve();
      }
    });
    sock.on('data', (chunk: Buffer) => {
      splitter.push(chunk);
      this.afterChunk();
    });
    sock.on('error', () => {});
  }

  static connect(port: number, connect: Buffer): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.setNoDelay(true);
      const c = new RawClient(sock);
      sock.once('error', reject);
      sock.once('connect', () => {
        c.expect(PacketType.connack).then(() => {
          sock.off('error', reject);
          resolve(c);
        }, reject);
        sock.write(connect);
      });
    });
  }

  expect(type: number, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no packet type ${type} within ${timeoutMs} ms`)), timeoutMs);
      this.waiter = { type, resolve: () => { clearTimeout(t); resolve(); } };
    });
  }

  /** Writes, noting TCP back-pressure so the pump skips this client until 'drain'. */
  write(buf: Buffer, onDrain: () => void): void {
    if (!this.sock.write(buf)) {
      this.blocked = true;
      this.sock.once('drain', () => {
        this.blocked = false;
        onDrain();
      });
    }
  }
}
