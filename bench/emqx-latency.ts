/**
 * `GET /api/v5/clients?_page=1&_limit=100` latency over a large stored fleet (target: p95 < 20 ms
 * with 100,000 sessions), timed end to end over real HTTP on loopback: Basic auth (a cached API
 * key, as a polling tool sees it), validation, the indexed SQL page and count, formatting and JSON.
 *
 *   runEmqxLatency(opts?: { sessions?: number; iterations?: number; dataDir?: string; log?: (line: string) => void })
 *     → Promise<{ p50: number; p95: number }>   (milliseconds)
 */
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createBroker } from '@mqdash/broker';
import { createApp } from '../apps/server/src/app.ts';
import { seedSessions } from './seed.ts';
import { percentile } from './util.ts';

export interface EmqxLatencyOptions {
  /** Stored sessions (the bench seed's mix: ~95% MQTT, some hidden). Default 100,000. */
  sessions?: number;
  /** Timed requests after 20 warm-up requests. Default 200. */
  iterations?: number;
  /** A folder for the database; a temporary one (removed afterwards) when omitted. */
  dataDir?: string;
  log?: (line: string) => void;
}

export async function runEmqxLatency(o: EmqxLatencyOptions = {}): Promise<{ p50: number; p95: number }> {
  const sessions = o.sessions ?? 100_000;
  const iterations = o.iterations ?? 200;
  const log = o.log ?? (() => {});
  const dataDir = o.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-emqx-'));
  const broker = await createBroker({ dataDir, adminPassword: 'bench-admin-password', logger: pino({ level: 'silent' }) });
  const server = http.createServer(createApp(broker, { maxBodyBytes: 1024 * 1024 }));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const t0 = performance.now();
    seedSessions(broker.store, sessions);
    log(`  inserted ${broker.store.countSessions()} sessions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const key = (await broker.apiKeys.create({ name: 'bench', description: '', expiresAt: null, createdBy: null, source: 'dashboard', role: 'viewer' }))!;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const authorization = `Basic ${Buffer.from(`${key.row.apiKey}:${key.apiSecret}`).toString('base64')}`;

    const get = () => new Promise<{ ms: number; status: number; body: string }>((resolve, reject) => {
      const start = performance.now();
      const req = http.get({ host: '127.0.0.1', port, path: '/api/v5/clients?_page=1&_limit=100', agent, headers: { authorization } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ ms: performance.now() - start, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
    });

    for (let i = 0; i < 20; i++) {
      const r = await get();
      if (r.status !== 200) throw new Error(`GET /api/v5/clients answered ${r.status}: ${r.body.slice(0, 200)}`);
      if (i === 0) {
        const page = JSON.parse(r.body) as { meta: { count: number }; data: unknown[] };
        log(`  first page: ${page.data.length} clients of ${page.meta.count}`);
      }
    }
    const times: number[] = [];
    for (let i = 0; i < iterations; i++) times.push((await get()).ms);
    const result = { p50: percentile(times, 50), p95: percentile(times, 95) };
    log(`  GET /api/v5/clients?_page=1&_limit=100: p50 ${result.p50.toFixed(2)} ms, p95 ${result.p95.toFixed(2)} ms (${iterations} requests)`);
    return result;
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await broker.close();
    if (!o.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
