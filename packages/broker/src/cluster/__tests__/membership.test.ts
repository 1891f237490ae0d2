/**
 * Node heartbeats on a real redis-server (issue 11 "Node failure"): a node in a child process is
 * killed with SIGKILL and the others see it down within 10 s, while a node that lives on is never
 * reported down.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Membership, type NodeEvent } from '../membership.ts';
import { waitFor } from '../../engine/mqdash/__tests__/helpers.ts';
import { startRedis, type Service } from './services.ts';

let redis: Service;
let child: ChildProcess | undefined;
const members: Membership[] = [];

before(async () => {
  redis = await startRedis();
});

after(async () => {
  child?.kill('SIGKILL');
  for (const member of members) await member.leave();
  await redis?.stop();
});

/** Starts a node in a child process and resolves once it has joined. */
function startChildNode(nodeName: string): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('./member-process.ts', import.meta.url));
  const started = spawn(process.execPath, ['--import', 'tsx', script, redis.url, nodeName], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    started.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('joined')) resolve(started);
    });
    started.once('exit', (code) => reject(new Error(`the child node exited (${code}) before it joined`)));
  });
}

test('a node killed with SIGKILL is seen down by the others within 10 s; a living node stays up', async () => {
  const events: NodeEvent[] = [];
  const faults: unknown[] = [];
  const observer = await Membership.join(redis.url, { nodeName: 'observer', onChange: (event) => events.push(event), onError: (error) => faults.push(error) });
  members.push(observer);
  const steady = await Membership.join(redis.url, { nodeName: 'steady', onError: (error) => faults.push(error) });
  members.push(steady);

  child = await startChildNode('doomed');
  await waitFor(() => observer.nodes().some((node) => node.name === 'doomed' && node.up), 5000, 'the observer to see the child node up');

  const killedAt = Date.now();
  child.kill('SIGKILL');
  await waitFor(() => observer.nodes().some((node) => node.name === 'doomed' && !node.up), 10_000, 'the observer to see the killed node down');
  const detectedMs = Date.now() - killedAt;
  console.log(`killed node seen down after ${detectedMs} ms`);
  assert.ok(detectedMs < 10_000);

  const down = events.filter((event) => event.type === 'down').map((event) => event.node.name);
  assert.deepEqual(down, ['doomed'], 'only the killed node went down; the living ones kept their heartbeat past the 6 s TTL');
  assert.deepEqual(
    observer.nodes().map((node) => [node.name, node.up]),
    [['doomed', false], ['observer', true], ['steady', true]],
  );
  assert.deepEqual(faults, []);
});
