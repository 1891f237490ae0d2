import { z } from 'zod';
import { topicFilterSchema } from './topics.ts';

/**
 * The EMQX-compatible Clients API (`/api/v5/*`, seed 004, DESIGN §4): query strings, bodies and
 * responses. Field names follow the seed's response example (what EMQX 5 returns).
 */

/** A whole number in a query string, within limits. */
const queryInt = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.int().min(min).max(max));

/**
 * RFC 3339 (`2023-09-15T09:36:20.871+00:00`) or epoch milliseconds, to epoch milliseconds.
 * An unencoded `+` in a query string arrives as a space: `…20 08:00` is read as `…20+08:00`.
 */
export function parseEmqxTime(raw: string): number | null {
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  const s = raw.replace(/(\d{2}:\d{2}(?:\.\d+)?) (\d{2}:\d{2})$/, '$1+$2');
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s)) return null;
  const ms = Date.parse(s.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : ms;
}

const timeParam = z.string().transform((s, ctx) => {
  const ms = parseEmqxTime(s);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: 'must be an RFC 3339 date-time (2023-09-15T09:36:20+00:00) or epoch milliseconds' });
    return z.NEVER;
  }
  return ms;
});

/** One value, or the parameter repeated (`clientid=a&clientid=b`, as EMQX 5 accepts). */
const oneOrMany = z
  .union([z.string().max(65550), z.array(z.string().max(65550)).max(100)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

const ipAddress = z
  .string()
  .refine((s) => z.ipv4().safeParse(s).success || z.ipv6().safeParse(s).success, 'must be an IPv4 or IPv6 address');

export const EMQX_MAX_LIMIT = 10_000;

/** `GET /api/v5/clients`: every filter of seed 004 (AND-combined), plus EMQX 5's like_clientid/like_username. */
export const emqxClientsQuery = z.object({
  _page: queryInt(1, 100_000_000).optional().default(1),
  _limit: queryInt(1, EMQX_MAX_LIMIT).optional().default(100),
  clientid: oneOrMany.optional(),
  username: oneOrMany.optional(),
  zone: z.string().max(256).optional(),
  ip_address: ipAddress.optional(),
  conn_state: z.enum(['connected', 'idle', 'disconnected']).optional(),
  clean_start: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  proto_name: z.enum(['MQTT', 'CoAP', 'MQTT-SN']).optional(),
  proto_ver: queryInt(0, 255).optional(),
  _gte_created_at: timeParam.optional(),
  _lte_created_at: timeParam.optional(),
  _gte_connected_at: timeParam.optional(),
  _lte_connected_at: timeParam.optional(),
  like_clientid: z.string().min(1).max(65550).optional(),
  like_username: z.string().min(1).max(65550).optional(),
});
export type EmqxClientsQuery = z.infer<typeof emqxClientsQuery>;

/** EMQX takes nl/rap as integers 0/1; true/false are accepted too. */
const flag = z.union([z.int().min(0).max(1), z.boolean().transform((b) => (b ? 1 : 0))]).default(0);

export const emqxSubscribeBody = z.object({
  topic: topicFilterSchema.refine((t) => !t.startsWith('$SYS'), 'topic filters under $SYS/ are reserved for the admin feed'),
  qos: z.int().min(0).max(2).default(0),
  nl: flag,
  rap: flag,
  rh: z.int().min(0).max(2).default(0),
});
export type EmqxSubscribeBody = z.infer<typeof emqxSubscribeBody>;
export const emqxSubscribeBulkBody = z.array(emqxSubscribeBody).min(1).max(1000);

export const emqxUnsubscribeBody = z.object({ topic: topicFilterSchema });
export const emqxUnsubscribeBulkBody = z.array(emqxUnsubscribeBody).min(1).max(1000);

/** One subscription as subscribe and subscribe/bulk return it. */
export interface EmqxSubscription {
  clientid: string;
  topic: string;
  qos: number;
  nl: number;
  node: string;
  rap: number;
  rh: number;
}

/** A client (an MQTT session) as `GET /clients` and `GET /clients/{clientid}` return it. */
export interface EmqxClient {
  clientid: string;
  username: string | null;
  proto_name: 'MQTT';
  proto_ver?: number;
  ip_address?: string;
  port?: number;
  is_bridge: false;
  connected: boolean;
  connected_at?: string;
  /** Only when connected is false. */
  disconnected_at?: string;
  created_at: string;
  zone: 'default';
  keepalive: number;
  clean_start: boolean;
  expiry_interval: number;
  subscriptions_cnt: number;
  subscriptions_max: 'infinity';
  inflight_cnt: number;
  inflight_max: number;
  mqueue_len: number;
  mqueue_max: number;
  mqueue_dropped: number;
  recv_msg: number;
  send_msg: number;
  node: string;
  listener?: 'tcp:default' | 'ws:default';
  is_persistent: boolean;
}

export interface EmqxClientsPage {
  meta: { page: number; limit: number; count: number; hasnext: boolean };
  data: EmqxClient[];
}

/**
 * `GET /api/v5/stats` and `GET /api/v5/metrics` (EMQX 5): `aggregate=true` answers one object for
 * the whole cluster, otherwise a list with one object per node (`node` names it); `node` keeps one node.
 */
export const emqxMonitorQuery = z.object({
  aggregate: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false').transform((v) => v === 'true'),
  node: z.string().min(1).max(255).optional(),
});

/** `GET /api/v5/nodes/{node}`: the node's name. */
export const emqxNodeParams = z.object({ node: z.string().min(1).max(255) });

/** EMQX 5 `GET /api/v5/stats`: gauges with their highest value seen since the node started. */
export type EmqxStats = Record<`${string}.count` | `${string}.max`, number>;

/** EMQX 5 `GET /api/v5/metrics`: counters since the node started (EMQX's dotted names). */
export type EmqxMetrics = Record<string, number>;

/** EMQX 5 `GET /api/v5/nodes` item (the fields mqdash has; README lists those left out). */
export interface EmqxNode {
  node: string;
  node_status: 'running';
  version: string;
  uptime: number;
  role: 'core';
  edition: 'Opensource';
  connections: number;
  live_connections: number;
  memory_total: number;
  memory_used: number;
  load1: number;
  load5: number;
  load15: number;
  max_fds?: number;
}

/** EMQX's error body. */
export interface EmqxError {
  code: 'BAD_REQUEST' | 'BAD_API_KEY_OR_SECRET' | 'CLIENTID_NOT_FOUND' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'TOO_MANY_REQUESTS' | 'PAYLOAD_TOO_LARGE' | 'INTERNAL_ERROR' | 'FORBIDDEN';
  message: string;
}
