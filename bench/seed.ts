/**
 * A fleet of stored sessions for the list and memory benchmarks, written straight into the store
 * in one transaction (going through MQTT CONNECTs would take minutes and test something else).
 * A fixed PRNG seed makes every run query the same data.
 */
import path from 'node:path';
import { newSessionDefaults } from '../packages/broker/src/registry/registry.ts';
import { SqliteStore } from '../packages/broker/src/store/sqlite-store.ts';
import type { SessionRow, Store } from '../packages/broker/src/store/types.ts';

export const regions = ['eu', 'us', 'ap', 'sa', 'af'] as const;

export function prng(seed: number): () => number {
  // mulberry32
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` sessions named dev-<region>-<n>, spread over the statuses a real fleet has. */
export function seedSessions(store: Store, count: number): void {
  const rnd = prng(42);
  const now = Date.now();
  const day = 86_400_000;
  store.transaction(() => {
    const labels = Array.from({ length: 10 }, (_, i) => store.findOrCreateLabel('site', `site-${i}`, now).id);
    for (let i = 0; i < count; i++) {
      const name = `dev-${regions[i % regions.length]}-${Math.floor(i / regions.length)}`;
      const api = rnd() < 0.05;
      const s = newSessionDefaults(name, api ? 'mqApi' : 'mqtt', now - 60 * day);
      const r = rnd();
      const connected = !api && r < 0.25;
      // MQ API sessions never used stay `unknown`; everything else has connected at least once.
      const neverUsed = api && r < 0.6;
      const row: Partial<SessionRow> = {
        connectionStatus: connected ? 'connected' : neverUsed ? 'unknown' : 'disconnected',
        sessionHealth: connected ? (rnd() < 0.15 ? 'unhealthy' : 'healthy') : 'offline',
        sessionStatus: pick(rnd(), [[0.93, 'normal'], [0.96, 'hidden'], [0.98, 'banned'], [1, 'inactive']]),
        username: rnd() < 0.5 ? `user${i % 500}` : null,
      };
      if (!neverUsed) {
        row.connectedAt = now - Math.floor(rnd() * 30 * day);
        row.disconnectedAt = connected ? null : row.connectedAt + Math.floor(rnd() * day);
        row.lastActivityAt = row.disconnectedAt ?? now;
      }
      if (!api && !neverUsed) {
        row.ipAddress = `10.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`;
        row.port = 1024 + Math.floor(rnd() * 60000);
        row.mqttProtocol = rnd() < 0.7 ? '3.1.1' : '5.0';
        row.keepAlive = 60;
      }
      if (rnd() < 0.3) Object.assign(row, { minSend: 1, maxSend: 600, maxBacklog: 100 });
      if (rnd() < 0.3) row.labelId = labels[Math.floor(rnd() * labels.length)]!;
      store.insertSession({ ...s, ...row });
    }
  });
}

function pick<T>(r: number, table: Array<[number, T]>): T {
  return table.find(([p]) => r < p)![1];
}

/** A data folder whose database holds `count` sessions, for when the list benchmark has not made one. */
export function seedFleetDir(dataDir: string, count: number): void {
  const store = new SqliteStore(path.join(dataDir, 'mqdash.db'));
  try {
    seedSessions(store, count);
  } finally {
    store.close();
  }
}
