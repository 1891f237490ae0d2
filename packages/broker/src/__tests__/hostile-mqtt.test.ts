/**
 * Malformed, truncated and oversized MQTT (issue "Hostile input"), over raw TCP sockets and raw
 * WebSocket clients against a real broker: garbage, a truncated CONNECT, a bad protocol level, a
 * 5-byte remaining length, PUBLISH before CONNECT, a second CONNECT, SUBSCRIBE with an empty or
 * invalid filter, a packet declaring 200 MB, an oversized WebSocket frame, and random bytes. Each
 * time that connection is closed, the broker stays up, and a real mqtt.js client connected before
 * the attacks (over TCP, and one over WebSocket) keeps publishing and receiving: a round trip after
 * every attack.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import WebSocket from 'ws';
import { roundTrip, startBroker, type TestBroker, type TestClient } from './helpers.ts';

const CLOSE_MS = 3000;

type Packet = Parameters<typeof mqttPacket.generate>[0];
const gen = (p: Record<string, unknown>, protocolVersion = 4) => mqttPacket.generate(p as unknown as Packet, { protocolVersion });
const connectPacket = (clientId: string, protocolVersion = 4) =>
  gen({ cmd: 'connect', protocolId: 'MQTT', protocolVersion, clean: true, clientId, keepalive: 0 }, protocolVersion);

/** The MQTT variable byte integer of `n`. */
function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

/** A raw TCP or WebSocket connection: write bytes, see what comes back, and whether it closed. */
interface RawConn {
  write(b: Buffer): void;
  /** Half-closes our side (TCP FIN; a WebSocket has none, so this is a no-op there). */
  end(): void;
  received(): Buffer;
  /** Resolves when the connection closed; fails after `ms`. */
  closed(ms?: number, what?: string): Promise<void>;
  isClosed(): boolean;
  destroy(): void;
}

function track(onClose: (cb: () => void) => void) {
  let isClosed = false;
  const waiters: Array<() => void> = [];
  onClose(() => {
    isClosed = true;
    for (const w of waiters.splice(0)) w();
  });
  return {
    isClosed: () => isClosed,
    closed: (ms = CLOSE_MS, what = 'the connection') => new Promise<void>((resolve, reject) => {
      if (isClosed) return resolve();
      const t = setTimeout(() => reject(new Error(`${what} was not closed by the broker within ${ms} ms`)), ms);
      waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    }),
  };
}

async function rawTcp(port: number): Promise<RawConn> {
  const sock = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  sock.on('data', (d) => chunks.push(d));
  sock.on('error', () => {});
  const st = track((cb) => sock.on('close', cb));
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  return {
    write: (b) => {
      if (!sock.destroyed) sock.write(b);
    },
    end: () => sock.end(),
    received: () => Buffer.concat(chunks),
    ...st,
    destroy: () => sock.destroy(),
  };
}

async function rawWs(url: string): Promise<RawConn> {
  const ws = new WebSocket(url, 'mqtt');
  const chunks: Buffer[] = [];
  ws.on('message', (d) => chunks.push(Buffer.isBuffer(d) ? d : Buffer.from(d as ArrayBuffer)));
  ws.on('error', () => {});
  const st = track((cb) => ws.on('close', cb));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    write: (b) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(b);
    },
    end: () => {},
    received: () => Buffer.concat(chunks),
    ...st,
    destroy: () => ws.terminate(),
  };
}

/** Opens a connection, sends a valid CONNECT and waits for its CONNACK (first byte 0x20). */
async function connected(open: () => Promise<RawConn>, clientId: string): Promise<RawConn> {
  const c = await open();
  c.write(connectPacket(clientId));
  const deadline = Date.now() + CLOSE_MS;
  while (c.received()[0] !== 0x20) {
    if (c.isClosed() || Date.now() > deadline) throw new Error(`${clientId}: no CONNACK (got ${c.received().toString('hex')})`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return c;
}

describe('malformed, truncated and oversized MQTT closes that connection only', () => {
  let t: TestBroker;
  let tcpClient: TestClient;
  let wsClient: TestClient;
  const opened: RawConn[] = [];

  const tcp = async () => {
    const c = await rawTcp(t.mqttPort);
    opened.push(c);
    return c;
  };
  const ws = async () => {
    const c = await rawWs(t.url('ws'));
    opened.push(c);
    return c;
  };
  const opens = { tcp, ws } as const;

  /** The bystanders still publish and receive, over TCP and over WebSocket. */
  async function stillServing(after: string) {
    assert.equal(tcpClient.connected, true, `the TCP client is still connected after ${after}`);
    assert.equal(wsClient.connected, true, `the WebSocket client is still connected after ${after}`);
    await roundTrip(tcpClient);
    await roundTrip(wsClient);
  }

  before(async () => {
    t = await startBroker();
    tcpClient = await t.connect({ clientId: 'bystander-tcp' });
    wsClient = await t.connect({ clientId: 'bystander-ws', transport: 'ws' });
    await stillServing('the start');
  });
  after(async () => {
    for (const c of opened) c.destroy();
    await t.close();
  });

  for (const transport of ['tcp', 'ws'] as const) {
    const open = opens[transport];

    test(`${transport}: garbage bytes`, async () => {
      const c = await open();
      c.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      c.write(Buffer.from([0x00, 0xff, 0xfe, 0x13, 0x37]));
      await c.closed(CLOSE_MS, `${transport} garbage`);
      await stillServing('garbage bytes');
    });

    test(`${transport}: a truncated CONNECT`, async () => {
      const c = await open();
      const full = connectPacket('truncated');
      c.write(full.subarray(0, full.length - 4));
      // The rest never comes; the bystanders are served while it hangs.
      await stillServing('a truncated CONNECT (while it waits)');
      assert.equal(c.received().length, 0, 'no CONNACK for a truncated CONNECT');
      if (transport === 'tcp') {
        c.end();
        await c.closed(CLOSE_MS, 'a truncated CONNECT followed by FIN');
      } else {
        // A WebSocket has no half-close: the rest arriving as a second, bogus message ends it.
        c.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]));
        await c.closed(CLOSE_MS, 'a truncated CONNECT followed by garbage');
      }
      await stillServing('a truncated CONNECT');
    });

    test(`${transport}: CONNECT with an invalid protocol level`, async () => {
      const c = await open();
      const p = connectPacket('bad-level');
      // Fixed header (2 bytes), protocol name "MQTT" (2 + 4 bytes), then the level.
      assert.equal(p[8], 4);
      p[8] = 9;
      c.write(p);
      await c.closed(CLOSE_MS, `${transport} protocol level 9`);
      const r = c.received();
      if (r.length) assert.equal(r[0], 0x20, 'if anything, a CONNACK (unacceptable protocol version)');
      await stillServing('an invalid protocol level');
    });

    test(`${transport}: a remaining length of 5 bytes`, async () => {
      const c = await open();
      c.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x04]));
      await c.closed(CLOSE_MS, `${transport} 5-byte remaining length before CONNECT`);
      const d = await connected(open, `varint-${transport}`);
      d.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01, 0x61]));
      await d.closed(CLOSE_MS, `${transport} 5-byte remaining length after CONNECT`);
      await stillServing('a 5-byte remaining length');
    });

    test(`${transport}: PUBLISH before CONNECT`, async () => {
      const c = await open();
      c.write(gen({ cmd: 'publish', topic: 'bystander/x', payload: Buffer.from('sneaky'), qos: 0, retain: false, dup: false }));
      await c.closed(CLOSE_MS, `${transport} PUBLISH before CONNECT`);
      await stillServing('PUBLISH before CONNECT');
    });

    test(`${transport}: a second CONNECT`, async () => {
      const c = await connected(open, `twice-${transport}`);
      c.write(connectPacket(`twice-${transport}`));
      await c.closed(CLOSE_MS, `${transport} second CONNECT`);
      await stillServing('a second CONNECT');
    });

    test(`${transport}: SUBSCRIBE with an empty topic filter`, async () => {
      const c = await connected(open, `empty-sub-${transport}`);
      // SUBSCRIBE, packet id 1, filter length 0, QoS 0.
      c.write(Buffer.from([0x82, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00]));
      await c.closed(CLOSE_MS, `${transport} SUBSCRIBE with an empty filter`);
      await stillServing('SUBSCRIBE with an empty filter');
    });

    test(`${transport}: SUBSCRIBE with an invalid wildcard`, async () => {
      for (const filter of ['a/#/b', 'a+/b', '#/a', 'a/b#']) {
        const c = await connected(open, `bad-wildcard-${transport}`);
        c.write(gen({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos: 0 }] }));
        await c.closed(CLOSE_MS, `${transport} SUBSCRIBE ${filter}`);
        await stillServing(`SUBSCRIBE ${filter}`);
      }
    });

    test(`${transport}: a PUBLISH declaring 200 MB`, async () => {
      const declared = 200 * 1024 * 1024;
      const c = await connected(open, `huge-${transport}`);
      c.write(Buffer.concat([Buffer.from([0x30]), varint(declared), Buffer.from([0x00, 0x01, 0x61]), Buffer.alloc(64 * 1024, 0x61)]));
      await c.closed(CLOSE_MS, `${transport} PUBLISH declaring ${declared} bytes (the limit is 1 MB)`);
      const d = await open();
      d.write(Buffer.concat([Buffer.from([0x10]), varint(declared), Buffer.alloc(1024, 0)]));
      await d.closed(CLOSE_MS, `${transport} CONNECT declaring ${declared} bytes`);
      await stillServing('a packet declaring 200 MB');
    });
  }

  test('ws: an oversized WebSocket frame', async () => {
    const c = await connected(ws, 'big-frame');
    // Over attachWebSocket's maxPayload (1 MB + 1 KB by default).
    c.write(Buffer.alloc(2 * 1024 * 1024, 0x30));
    await c.closed(CLOSE_MS, 'an oversized WebSocket frame');
    await stillServing('an oversized WebSocket frame');
  });

  test('ws: a text frame and an upgrade on the wrong path', async () => {
    const c = await ws();
    await new Promise<void>((r) => setTimeout(r, 10));
    c.write(Buffer.from('not mqtt'));
    await c.closed(CLOSE_MS, 'a WebSocket sending garbage');
    await assert.rejects(rawWs(t.url('ws').replace('/mqtt', '/not-mqtt')), 'an upgrade elsewhere than /mqtt is refused');
    await stillServing('a wrong WebSocket path');
  });

  test('tcp: random byte sequences (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 64 }),
          // Starting with a plausible packet type makes the parser go further.
          fc.tuple(fc.constantFrom(0x10, 0x20, 0x30, 0x32, 0x82, 0xa2, 0xc0, 0xe0, 0xf0), fc.uint8Array({ maxLength: 64 })).map(([h, rest]) => Uint8Array.from([h, ...rest])),
          // After a valid CONNECT.
          fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Uint8Array.from([...connectPacket('random-after-connect'), ...b])),
        ),
        async (bytes) => {
          const c = await tcp();
          c.write(Buffer.from(bytes));
          // FIN after the bytes: whatever they were, the broker must close the connection.
          c.end();
          await c.closed(CLOSE_MS, `random bytes ${Buffer.from(bytes).toString('hex')}`);
          await roundTrip(tcpClient);
        },
      ),
      { numRuns: Number(process.env.HOSTILE_RUNS ?? 200), endOnFailure: true },
    );
    await stillServing('random bytes');
  });
});
