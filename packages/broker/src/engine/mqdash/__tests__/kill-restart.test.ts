/**
 * Acknowledged means durable (DESIGN §8) on the own engine: a process running the engine on the
 * SQLite store is killed with SIGKILL right after the last PUBACK; started again on the same file,
 * the persistent subscriber gets every acknowledged QoS 1 message exactly once, in order. Real
 * processes, real mqtt.js clients, a real SQLite file.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { waitFor } from './helpers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../../../..');
const script = join(here, 'fixtures/engine-process.ts');
const COUNT = 50;
const folder = mkdtempSync(join(tmpdir(), 'mqdash-kill-'));
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

/** The engine process on the file; resolves with it and its port once it listens. */
function startEngine(file: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, file], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (data: Buffer) => {
      stdout += data.toString();
      const port = /listening (\d+)/.exec(stdout)?.[1];
      if (port) resolve({ child, port: Number(port) });
    });
    child.once('exit', (code) => reject(new Error(`the engine process exited (${code}): ${stderr}`)));
  });
}

function connect(port: number, clientId: string, options: IClientOptions, received: string[] = []): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect({ host: '127.0.0.1', port, clientId, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
    client.on('message', (_topic, payload) => received.push(payload.toString()));
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

const persistent: IClientOptions = { protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 } };

test('[MQTT-4.3.2-2] QoS 1 messages acknowledged right before kill -9 reach the persistent subscriber exactly once after a restart', { timeout: 60_000 }, async () => {
  const file = join(folder, 'engine.db');
  const first = await startEngine(file);
  const sub = await connect(first.port, 'kill-sub', persistent);
  await sub.subscribeAsync('orders/#', { qos: 1 });
  await sub.endAsync();

  const pub = await connect(first.port, 'kill-pub', { protocolVersion: 4, clean: true });
  const killed = new Promise((resolve) => first.child.once('exit', (_code, signal) => resolve(signal)));
  let acked = 0;
  await new Promise<void>((resolve, reject) => {
    for (let i = 0; i < COUNT; i++) {
      pub.publish('orders/line', `order ${i}`, { qos: 1 }, (error) => {
        if (error) return reject(error);
        if (++acked < COUNT) return;
        first.child.kill('SIGKILL'); // no grace: whatever is not on disk is gone
        resolve();
      });
    }
  });
  assert.equal(await killed, 'SIGKILL');
  pub.end(true);

  const second = await startEngine(file);
  const received: string[] = [];
  const back = await connect(second.port, 'kill-sub', persistent, received);
  await waitFor(() => received.length >= COUNT, 10_000, `${COUNT} messages (got ${received.length})`);
  // a message after them proves nothing more is on its way: the stored ones came first
  const pub2 = await connect(second.port, 'kill-pub-2', { protocolVersion: 5 });
  await pub2.publishAsync('orders/line', 'marker', { qos: 1 });
  await waitFor(() => received.includes('marker'), 10_000, 'the marker');
  assert.deepEqual(received, [...Array.from({ length: COUNT }, (_, i) => `order ${i}`), 'marker'], 'each once, in order');
  await Promise.all([back.endAsync(), pub2.endAsync()]);
  second.child.kill('SIGTERM');
  await new Promise((resolve) => second.child.once('exit', resolve));
});
