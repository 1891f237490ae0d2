/**
 * Property test over random sequences of connect, subscribe, publish and disconnect against a real
 * listener (fast-check, mqtt.js clients). Checked: every QoS 1 message a publisher got PUBACK for
 * reaches every persistent subscriber that was subscribed when it was published, online or not
 * [MQTT-4.5.0-1, 4.4.0-1]; a shared group hands each message to exactly one member (MQTT 5 §4.8.2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { persistent, startEngine, waitFor, type TestClient, type TestServer } from './helpers.ts';

const SUBSCRIBERS = ['p0', 'p1', 's0', 's1']; // p*: plain subscribers of prop/#, s*: members of $share/g/prop/#

type Step = { kind: 'publish' } | { kind: 'drop'; who: number } | { kind: 'back'; who: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Step>({ kind: 'publish' }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }).map<Step>((who) => ({ kind: 'drop', who })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }).map<Step>((who) => ({ kind: 'back', who })) },
);

/** Payloads each subscriber received, over all its connections. */
function tally(received: Map<string, string[]>, clientId: string, client: TestClient): void {
  client.on('message', (_topic, payload) => received.get(clientId)!.push(payload.toString()));
}

async function run(steps: Step[]): Promise<void> {
  const server: TestServer = await startEngine();
  const received = new Map(SUBSCRIBERS.map((id) => [id, [] as string[]]));
  const online = new Map<string, TestClient>();
  const connectSubscriber = async (clientId: string) => {
    const client = await server.connect({ clientId, protocolVersion: 5, ...persistent });
    for (const m of client.received) received.get(clientId)!.push(m.text); // queued ones that came with CONNACK
    tally(received, clientId, client);
    online.set(clientId, client);
  };
  try {
    for (const id of SUBSCRIBERS) {
      await connectSubscriber(id);
      await online.get(id)!.subscribeAsync(id.startsWith('p') ? 'prop/#' : '$share/g/prop/#', { qos: 1 });
    }
    const publisher = await server.connect({ clientId: 'prop-pub', protocolVersion: 5 });
    const published: string[] = [];
    for (const [i, s] of steps.entries()) {
      if (s.kind === 'publish') {
        await publisher.publishAsync('prop/t', `m${i}`, { qos: 1 }); // resolves at PUBACK
        published.push(`m${i}`);
      } else {
        const id = SUBSCRIBERS[s.who]!;
        const client = online.get(id);
        if (s.kind === 'drop' && client) {
          online.delete(id);
          client.end(true);
          await waitFor(() => !server.engine.connections.has(id), 3000, `${id} to drop`);
        } else if (s.kind === 'back' && !client) await connectSubscriber(id);
      }
    }
    for (const id of SUBSCRIBERS) if (!online.has(id)) await connectSubscriber(id);
    const distinct = (id: string) => new Set(received.get(id));
    await waitFor(
      () => ['p0', 'p1'].every((id) => distinct(id).size === published.length) && new Set([...received.get('s0')!, ...received.get('s1')!]).size === published.length,
      5000,
      'every acknowledged message at every subscriber',
    );
    for (const id of ['p0', 'p1']) assert.deepEqual([...distinct(id)].sort(), [...published].sort());
    const shared = [...distinct('s0')].filter((m) => distinct('s1').has(m));
    assert.deepEqual(shared, [], 'no message went to both members of the group');
    publisher.end();
  } finally {
    await server.close();
  }
}

test('[MQTT-4.5.0-1, 4.4.0-1] acknowledged QoS 1 messages reach every persistent subscriber; a shared group delivers each once', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => run(steps)),
    { numRuns: 20 },
  );
});
