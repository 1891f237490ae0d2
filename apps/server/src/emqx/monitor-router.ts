import fs from 'node:fs';
import os from 'node:os';
import express from 'express';
import type { Broker, TrafficTotals } from '@mqdash/broker';
import { emqxMonitorQuery, emqxNodeParams, type EmqxMetrics, type EmqxNode, type EmqxStats } from '@mqdash/contracts';
import { EmqxHttpError, parseWith } from './errors.ts';

const version = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);

/** The soft limit of open files (EMQX's `max_fds`), where /proc tells it. */
function maxFds(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * EMQX 5's metric names from the broker's traffic totals (the same numbers as `/metrics`). Bytes
 * are payload bytes; a refused CONNECT counts in `client.connect` and `packets.connack.error`.
 */
function emqxMetrics(t: TrafficTotals): EmqxMetrics {
  const refused = sum(Object.values(t.refused));
  const attempts = t.connects + refused;
  const m: EmqxMetrics = {
    'bytes.received': sum(t.bytesReceived), 'bytes.sent': sum(t.bytesSent),
    'client.connect': attempts, 'client.connack': attempts, 'client.connected': t.connects, 'client.disconnected': t.disconnects,
    'delivery.dropped': t.dropped.queue_full + t.dropped.too_large + t.expired,
    'delivery.dropped.expired': t.expired, 'delivery.dropped.queue_full': t.dropped.queue_full, 'delivery.dropped.too_large': t.dropped.too_large,
    'messages.received': sum(t.received), 'messages.sent': sum(t.sent), 'messages.delivered': sum(t.sent),
    'packets.connect.received': attempts, 'packets.connack.sent': attempts, 'packets.connack.error': refused,
    'packets.connack.auth_error': t.refused.bad_username_or_password + t.refused.not_authorized,
    'packets.publish.received': sum(t.received), 'packets.publish.sent': sum(t.sent),
  };
  t.received.forEach((n, qos) => { m[`messages.qos${qos}.received`] = n; });
  t.sent.forEach((n, qos) => { m[`messages.qos${qos}.sent`] = n; });
  return m;
}

/**
 * `GET /api/v5/stats`, `/metrics`, `/nodes` and `/nodes/{node}` (EMQX 5 shapes; issue 14). One
 * node today: `aggregate=true` answers the object itself, otherwise a list of one with `node`;
 * another node's name answers an empty list (`/nodes/{node}`: 404). A stat's `.max` is the highest
 * value seen since the node started: exact for connections (kept at every connect), the highest a
 * `/stats` request met for the counts read from the store.
 */
export function monitorRouter(broker: Broker, node: string): express.Router {
  const router = express.Router();
  const highest = new Map<string, number>();

  const stats = async (): Promise<EmqxStats> => {
    const t = broker.metrics.totals();
    const c = broker.emqxClients.counts();
    const current: Record<string, number> = {
      connections: t.connections, live_connections: t.connections, sessions: c.sessions, channels: c.sessions,
      subscriptions: c.subscriptions, suboptions: c.subscriptions, subscribers: c.subscribers,
      'subscriptions.shared': c.sharedSubscriptions, topics: c.topics, retained: await broker.engine.retainedMessages(),
    };
    const out: EmqxStats = {};
    for (const [k, v] of Object.entries(current)) {
      const max = Math.max(v, highest.get(k) ?? 0, k === 'connections' || k === 'live_connections' ? t.connectionsMax : 0);
      highest.set(k, max);
      out[`${k}.count`] = v;
      out[`${k}.max`] = max;
    }
    return out;
  };

  const nodeInfo = (): EmqxNode => {
    const [load1, load5, load15] = os.loadavg() as [number, number, number];
    const fds = maxFds();
    const connections = broker.metrics.totals().connections;
    return {
      node, node_status: 'running', version, uptime: Math.round(process.uptime() * 1000), role: 'core', edition: 'Opensource',
      connections, live_connections: connections, memory_total: os.totalmem(), memory_used: process.memoryUsage.rss(),
      load1, load5, load15, ...(fds !== undefined ? { max_fds: fds } : {}),
    };
  };

  /** EMQX's `aggregate`/`node` reading of a per-node answer. */
  const perNode = async <T extends object>(req: express.Request, value: () => T | Promise<T>) => {
    const q = parseWith(emqxMonitorQuery, req.query, 'query');
    if (q.aggregate) return value();
    return q.node !== undefined && q.node !== node ? [] : [{ node, ...(await value()) }];
  };

  router.get('/stats', async (req, res) => {
    res.json(await perNode(req, stats));
  });
  router.get('/metrics', async (req, res) => {
    res.json(await perNode(req, () => emqxMetrics(broker.metrics.totals())));
  });
  router.get('/nodes', (_req, res) => {
    res.json([nodeInfo()]);
  });
  router.get('/nodes/:node', (req, res) => {
    const p = parseWith(emqxNodeParams, req.params, 'query');
    if (p.node !== node) throw new EmqxHttpError(404, 'NOT_FOUND', `node not found: ${JSON.stringify(p.node)}`);
    res.json(nodeInfo());
  });
  return router;
}
