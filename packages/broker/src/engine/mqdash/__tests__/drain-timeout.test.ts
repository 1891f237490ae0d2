/**
 * drainTimeoutMs (the broker's MQTT_DRAIN_TIMEOUT_MS): a client whose socket buffer stays full for
 * that long is cut off (MQTT 5: DISCONNECT 0x97 Quota exceeded, which it will not read), so a
 * stalled reader cannot hold the broker's memory; a client that reads is left alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEngine, waitFor } from './helpers.ts';

test('a client that stops reading is disconnected after drainTimeoutMs; one that reads the same flood stays', async () => {
  const reasons = new Map<string, number>();
  const server = await startEngine({
    maxWriteBufferBytes: 64 * 1024, drainTimeoutMs: 300,
    hooks: { onDisconnect: (client, reasonCode) => void reasons.set(client.clientId, reasonCode) },
  });
  try {
    const stuck = await server.raw(5);
    await stuck.connect('drain-stuck');
    await stuck.subscribe('drain/#', 0);
    stuck.pause();
    const reader = await server.connect({ clientId: 'drain-reader', protocolVersion: 5 });
    await reader.subscribeAsync('drain/#', { qos: 0 });
    const pub = await server.connect({ clientId: 'drain-flood', protocolVersion: 5 });
    const chunk = Buffer.alloc(32 * 1024, 0x61);
    const session = server.engine.sessions.get('drain-stuck')!;
    const connection = server.engine.connections.get('drain-stuck')!;
    // until the kernel's buffers are full and the broker's own buffer for the stuck client is too
    for (let i = 0; i < 5000 && session.dropped === 0; i++) await pub.publishAsync('drain/q0', chunk, { qos: 0 });
    assert.ok(session.dropped > 0, 'the stuck client\'s buffer filled up');
    const stuckSince = Date.now();
    await waitFor(() => !server.engine.connections.has('drain-stuck'), 5000, 'the stuck client disconnected');
    assert.equal(reasons.get('drain-stuck'), 0x97);
    assert.ok(Date.now() - stuckSince < 5000);
    // its socket is destroyed (the DISCONNECT cannot get through a full buffer), freeing what it held
    await waitFor(() => connection.stream.destroyed, 3000, 'the stuck socket destroyed');
    assert.ok(server.engine.connections.has('drain-reader'), 'the reading client is still connected');
    assert.equal(reasons.has('drain-reader'), false);
    pub.end();
  } finally {
    await server.close();
  }
});
