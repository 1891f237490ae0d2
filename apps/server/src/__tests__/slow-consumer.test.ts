/**
 * Slow consumers, with the real server process: QoS 1 subscribers that stop reading (their sockets
 * paused, a clean one and a persistent one) while a publisher floods. The broker's memory stays
 * bounded: aedes disconnects a client whose socket stays full for MQTT_DRAIN_TIMEOUT_MS (short
 * here), and a persistent session's queue holds at most MQTT_MAX_QUEUED_MESSAGES, the oldest
 * dropped beyond it and counted in describeMqSessions' stats.droppedMessages.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { api, freePort, login, sleep, spawnServer, type ServerProcess } from './server-process.ts';

const ADMIN_PASSWORD = 'slow-consumer-admin-pw';
const MAX_QUEUED = 2000;
const DRAIN_MS = 2000;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-slow-'));
const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** A raw MQTT 3.1.1 subscriber: CONNECT, SUBSCRIBE QoS 1, wait for the SUBACK, then stop reading. */
async function stalledSubscriber(port: number, clientId: string, clean: boolean): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  cleanups.push(() => s.destroy());
  s.on('error', () => {});
  // A small receive buffer, so "stopped reading" reaches the server's socket soon.
  await new Promise<void>((r) => s.once('connect', () => r()));
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const suback = new Promise<void>((resolve) => parser.on('packet', (p) => { if (p.cmd === 'suback') resolve(); }));
  s.on('data', (d) => parser.parse(d));
  s.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId, clean, keepalive: 0 } as never));
  s.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'flood/#', qos: 1 }] } as never));
  await suback;
  s.removeAllListeners('data');
  s.pause();
  return s;
}

test('subscribers that stop reading are disconnected after the drain timeout, persistent queues are capped with drops counted, and memory stays bounded', async () => {
  const [mqttPort, httpPort] = [await freePort(), await freePort()];
  const server: ServerProcess = spawnServer({
    dataDir, mqttPort, httpPort, adminPassword: ADMIN_PASSWORD,
    env: { MQTT_DRAIN_TIMEOUT_MS: String(DRAIN_MS), MQTT_MAX_QUEUED_MESSAGES: String(MAX_QUEUED) },
  });
  cleanups.push(() => server.kill('SIGKILL'));
  await server.listening();
  const pid = server.child.pid!;
  const token = await login(httpPort, ADMIN_PASSWORD);
  await stalledSubscriber(mqttPort, 'slow-clean', true);
  await stalledSubscriber(mqttPort, 'slow-persistent', false);

  const pub: MqttClient = await new Promise((resolve, reject) => {
    const c = mqtt.connect({ host: '127.0.0.1', port: mqttPort, clientId: 'flooder', protocolVersion: 4, reconnectPeriod: 0 });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
  cleanups.push(() => pub.end(true));

  const payload = Buffer.alloc(16 * 1024, 7);
  const rssAtStart = rssMb(pid);
  let sent = 0;
  let acked = 0;
  /** Floods for `ms`, or (with `mb`) until `mb` more megabytes are sent, at most 240 s (a busy machine is slower: 1.4 MB/s seen at load 22). */
  const floodFor = async (ms: number, mb = 0) => {
    const until = Date.now() + (mb ? 240_000 : ms);
    const target = sent + (mb * 1024 * 1024) / payload.length;
    while (Date.now() < until && (!mb || sent < target)) {
      // 64 in flight at a time, every one PUBACKed.
      await Promise.all(Array.from({ length: 64 }, () => pub.publishAsync('flood/a', payload, { qos: 1 }).then(() => { acked++; })));
      sent += 64;
    }
  };
  const describe = async (name: string) => {
    const r = await api(httpPort, { action: 'describeMqSessions', authToken: token, params: { clientNames: [name], includeSubscribedTopics: false, includePublishedTopics: false } });
    // A temporary (clean) session ends with its connection: unknown means gone.
    if (r.errorCode === 14006) return null;
    assert.equal(r.errorCode, 0, JSON.stringify(r));
    return r.result.data[0];
  };

  // Both stalled subscribers are cut off within the drain timeout (plus the flood's own pace).
  await floodFor(DRAIN_MS + 2500);
  const cleanState = await describe('slow-clean');
  const persistentState = await describe('slow-persistent');
  assert.notEqual(cleanState?.connectionStatus, 'connected', 'the clean slow consumer was disconnected (or its temporary session ended)');
  assert.equal(persistentState.connectionStatus, 'disconnected', 'the persistent slow consumer was disconnected');

  // The flood goes on to the offline persistent session: its queue stays at the limit, the rest are counted as dropped.
  const phase2: number[] = [];
  const sentBefore = sent;
  const sentAt: number[] = [];
  const sampler = setInterval(() => {
    phase2.push(rssMb(pid));
    sentAt.push(sent - sentBefore);
  }, 400);
  await floodFor(0, 160);
  clearInterval(sampler);
  const phase2Sent = sent - sentBefore;
  assert.ok(phase2.length >= 6, `enough RSS samples (${phase2.length})`);
  const phase2SentAtHalf = () => sentAt[Math.floor(phase2.length / 2)]!;
  const after = await describe('slow-persistent');
  assert.ok(after.stats.currentDeliveryBacklogged <= MAX_QUEUED, `queue ${after.stats.currentDeliveryBacklogged} <= ${MAX_QUEUED}`);
  assert.ok(after.stats.currentDeliveryBacklogged >= MAX_QUEUED * 0.9, `queue ${after.stats.currentDeliveryBacklogged} is near the limit`);
  assert.ok(after.stats.droppedMessages > 0, 'drops are counted');
  assert.ok(after.stats.droppedMessages + after.stats.currentDeliveryBacklogged >= acked - 64 * 4 - MAX_QUEUED,
    `dropped ${after.stats.droppedMessages} + queued ${after.stats.currentDeliveryBacklogged} account for the ${acked} messages`);
  assert.match(server.output(), /queue full: the oldest queued messages of this session are being dropped/);

  // Memory: bounded, not proportional to the flood. Once the queue is full, the second half of the
  // flood (as much data again as the first) adds next to nothing: compare the peaks of the halves.
  const floodedMb = (sent * payload.length) / 1024 / 1024;
  const half = Math.floor(phase2.length / 2);
  const firstHalfPeak = Math.max(...phase2.slice(0, half));
  const secondHalfPeak = Math.max(...phase2.slice(half));
  const secondHalfMb = ((phase2Sent - phase2SentAtHalf()) * payload.length) / 1024 / 1024;
  console.log(`# flooded ${sent} messages (${floodedMb.toFixed(0)} MB); RSS ${rssAtStart.toFixed(0)} MB at start, ${firstHalfPeak.toFixed(0)} MB peak in the first half of the offline flood, ${secondHalfPeak.toFixed(0)} MB in the second (${secondHalfMb.toFixed(0)} MB sent); dropped ${after.stats.droppedMessages}, queued ${after.stats.currentDeliveryBacklogged}`);
  assert.ok(floodedMb > 100, `the flood is big enough to matter (${floodedMb.toFixed(0)} MB)`);
  assert.ok(secondHalfPeak - firstHalfPeak < Math.max(40, secondHalfMb / 4), `RSS grew ${(secondHalfPeak - firstHalfPeak).toFixed(0)} MB while ${secondHalfMb.toFixed(0)} MB more were flooded`);
  // The capped queue holds MAX_QUEUED × 16 KB ≈ 32 MB; with V8 heap slack the total stays far below the flood.
  assert.ok(secondHalfPeak - rssAtStart < floodedMb * 0.75, `RSS grew ${(secondHalfPeak - rssAtStart).toFixed(0)} MB for a ${floodedMb.toFixed(0)} MB flood`);

  // The persistent subscriber comes back (reading this time) and gets the newest MAX_QUEUED messages.
  let got = 0;
  const sub: MqttClient = await new Promise((resolve, reject) => {
    const c = mqtt.connect({ host: '127.0.0.1', port: mqttPort, clientId: 'slow-persistent', protocolVersion: 4, clean: false, reconnectPeriod: 0 });
    c.on('message', () => { got++; });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
  cleanups.push(() => sub.end(true));
  const deadline = Date.now() + 20_000;
  while (got < after.stats.currentDeliveryBacklogged && Date.now() < deadline) await sleep(100);
  assert.ok(got >= after.stats.currentDeliveryBacklogged, `the queued ${after.stats.currentDeliveryBacklogged} arrive (got ${got})`);
  await server.kill('SIGTERM');
});
