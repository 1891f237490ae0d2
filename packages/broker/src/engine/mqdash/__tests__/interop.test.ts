/**
 * Interoperability: Debian's mosquitto_pub/mosquitto_sub against the engine, beside mqtt.js, in
 * MQTT 5 and 3.1.1. Skipped where the mosquitto clients are not installed (apt: mosquitto-clients).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { startEngine, waitFor, type TestServer } from './helpers.ts';

const run = promisify(execFile);
// scripts/test-all.sh (CI) installs mosquitto-clients; only a bare `npm test` elsewhere may lack it.
const skip = spawnSync('mosquitto_sub', ['--help']).error ? 'mosquitto-clients is not installed (scripts/test-all.sh installs it)' : false;
let server: TestServer;

before(async () => {
  server = await startEngine();
});
after(async () => {
  await server?.close();
});

/** Starts mosquitto_sub for `count` messages; resolves once it has subscribed, `output` once it has exited. */
async function mosquittoSub(clientId: string, version: 'mqttv5' | 'mqttv311', topic: string, count: number, extra: string[] = []): Promise<{ output: Promise<string[]> }> {
  const child = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(server.port), '-V', version, '-i', clientId, '-t', topic, '-q', '2', '-C', String(count), '-W', '10', ...extra]);
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const done = new Promise<string[]>((resolve) => child.on('close', () => resolve(out.trim().split('\n').filter(Boolean))));
  await waitFor(() => (server.engine.sessions.get(clientId)?.subscriptions.size ?? 0) > 0, 5000, `${clientId} to subscribe`);
  return { output: done };
}

const mosquittoPub = (version: 'mqttv5' | 'mqttv311', topic: string, message: string, extra: string[] = []) =>
  run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(server.port), '-V', version, '-t', topic, '-m', message, '-q', '2', ...extra]);

describe('mosquitto clients', { skip }, () => {
  for (const version of ['mqttv5', 'mqttv311'] as const) {
    test(`${version}: mosquitto_sub receives QoS 2 from mosquitto_pub and from mqtt.js`, async () => {
      const { output } = await mosquittoSub(`msub-${version}`, version, `interop/${version}/#`, 2, ['-v']);
      await mosquittoPub(version, `interop/${version}/a`, 'from mosquitto_pub');
      const client = await server.connect({ clientId: `mqttjs-${version}`, protocolVersion: version === 'mqttv5' ? 5 : 4 });
      await client.publishAsync(`interop/${version}/b`, 'from mqtt.js', { qos: 2 });
      assert.deepEqual(await output, [`interop/${version}/a from mosquitto_pub`, `interop/${version}/b from mqtt.js`]);
      client.end();
    });
  }

  test('mqttv5: user properties and a retained message from mosquitto_pub reach mqtt.js and mosquitto_sub', async () => {
    await mosquittoPub('mqttv5', 'interop/retained', 'kept', ['-r', '-D', 'publish', 'user-property', 'origin', 'mosquitto']);
    const client = await server.connect({ clientId: 'mqttjs-retained', protocolVersion: 5 });
    await client.subscribeAsync('interop/retained', { qos: 1 });
    await waitFor(() => client.received.length === 1);
    assert.equal(client.received[0]!.text, 'kept');
    assert.deepEqual({ ...client.received[0]!.packet.properties?.userProperties }, { origin: 'mosquitto' });
    const { stdout } = await run('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(server.port), '-V', 'mqttv5', '-t', 'interop/retained', '-C', '1', '-W', '10', '-F', '%r %p']);
    assert.equal(stdout.trim(), '1 kept');
    client.end();
  });
});
