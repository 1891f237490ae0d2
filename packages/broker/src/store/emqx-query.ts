import type Database from 'better-sqlite3';
import { EmqxSubscriptionQueries } from './emqx-subscriptions.ts';
import { EmqxTopicQueries } from './emqx-topics.ts';

/**
 * What `GET /api/v5/clients` filters on (seed 004), already mapped to the registry's terms.
 * Every given filter must match (AND); a list matches any of its values.
 */
export interface EmqxClientFilter {
  clientNames?: string[];
  usernames?: string[];
  ipAddress?: string;
  connected?: boolean;
  cleanStart?: boolean;
  /** `mqtt_protocol` values: '3.1', '3.1.1', '5.0'. */
  mqttProtocols?: string[];
  createdFrom?: number;
  createdTo?: number;
  connectedFrom?: number;
  connectedTo?: number;
  clientNameContains?: string;
  usernameContains?: string;
  /** A filter no client can match (another zone, CoAP, conn_state idle, …): the answer is empty. */
  matchesNothing?: boolean;
}

/** The columns the EMQX client object is made of. Times are epoch ms. */
export interface EmqxClientRow {
  clientName: string;
  username: string | null;
  ipAddress: string | null;
  port: number | null;
  mqttProtocol: string | null;
  keepAlive: number;
  sessionExpiry: number;
  temporary: boolean;
  createdAt: number;
  connectedAt: number | null;
  disconnectedAt: number | null;
  connected: boolean;
  subCount: number;
  totalPublished: number;
  totalReceived: number;
  /** From the last CONNECT; null when never recorded. */
  cleanStart: boolean | null;
  receiveMaximum: number | null;
  listener: 'tcp' | 'ws' | null;
}

const COLUMNS = `client_name, username, ip_address, port, mqtt_protocol, keep_alive, session_expiry, temporary, created_at,
  connected_at, disconnected_at, connection_status, sub_count, total_published, total_received,
  json_extract(settings, '$.cleanStart') AS clean_start, json_extract(settings, '$.receiveMaximum') AS receive_maximum,
  json_extract(settings, '$.listener') AS listener`;

/**
 * DESIGN §4: only MQTT sessions are EMQX clients, and hidden ones are left out. Written as literals
 * so SQLite can use the partial index `sessions_emqx_created` (store/schema.ts).
 */
const VISIBLE = "session_type = 'mqtt' AND session_status <> 'hidden'";

type DbRow = Record<string, unknown>;

const fromDb = (r: DbRow): EmqxClientRow => ({
  clientName: r.client_name as string,
  username: r.username as string | null,
  ipAddress: r.ip_address as string | null,
  port: r.port as number | null,
  mqttProtocol: r.mqtt_protocol as string | null,
  keepAlive: r.keep_alive as number,
  sessionExpiry: r.session_expiry as number,
  temporary: r.temporary === 1,
  createdAt: r.created_at as number,
  connectedAt: r.connected_at as number | null,
  disconnectedAt: r.disconnected_at as number | null,
  connected: r.connection_status === 'connected',
  subCount: r.sub_count as number,
  totalPublished: r.total_published as number,
  totalReceived: r.total_received as number,
  cleanStart: r.clean_start == null ? null : r.clean_start === 1,
  receiveMaximum: r.receive_maximum as number | null,
  listener: r.listener === 'ws' || r.listener === 'tcp' ? r.listener : null,
});

/** `instr` finds a substring without LIKE's wildcards and case folding (EMQX's like_* is a plain substring). */
function whereOf(f: EmqxClientFilter): { sql: string; args: unknown[] } {
  const where = [VISIBLE];
  const args: unknown[] = [];
  const inList = (col: string, values: readonly unknown[] | undefined) => {
    if (!values) return;
    where.push(values.length ? `${col} IN (${values.map(() => '?').join(', ')})` : '0');
    args.push(...values);
  };
  const cmp = (sql: string, value: unknown) => {
    if (value === undefined) return;
    where.push(sql);
    args.push(value);
  };
  inList('client_name', f.clientNames);
  inList('username', f.usernames);
  inList('mqtt_protocol', f.mqttProtocols);
  cmp('ip_address = ?', f.ipAddress);
  if (f.connected !== undefined) where.push(f.connected ? "connection_status = 'connected'" : "connection_status <> 'connected'");
  // A session whose CONNECT was never recorded falls back to temporary (3.1.1: clean session = temporary).
  cmp("coalesce(json_extract(settings, '$.cleanStart'), temporary) = ?", f.cleanStart === undefined ? undefined : f.cleanStart ? 1 : 0);
  cmp('created_at >= ?', f.createdFrom);
  cmp('created_at <= ?', f.createdTo);
  cmp('connected_at >= ?', f.connectedFrom);
  cmp('connected_at <= ?', f.connectedTo);
  cmp('instr(client_name, ?) > 0', f.clientNameContains);
  cmp('instr(username, ?) > 0', f.usernameContains);
  return { sql: where.join(' AND '), args };
}

/** The indexed queries behind the EMQX Clients API, on the store's SQLite database. */
export class EmqxClientQueries {
  private readonly stmts = new Map<string, Database.Statement>();
  /** `GET /api/v5/subscriptions`: the subscriptions of these clients. */
  readonly subscriptions: EmqxSubscriptionQueries;
  /** `GET /api/v5/topics`: the routing table. */
  readonly topics: EmqxTopicQueries;

  constructor(private readonly db: Database.Database) {
    this.subscriptions = new EmqxSubscriptionQueries(db);
    this.topics = new EmqxTopicQueries(db);
  }

  /**
   * The counts of `GET /api/v5/stats` over the EMQX clients (visible MQTT sessions, DESIGN §4):
   * sessions, their subscriptions, the sessions that subscribe, distinct topic filters, shared ones.
   */
  counts(): { sessions: number; subscriptions: number; subscribers: number; topics: number; sharedSubscriptions: number } {
    const visible = "s.session_type = 'mqtt' AND s.session_status <> 'hidden'";
    const sessions = this.stmt(`SELECT count(*) FROM sessions s WHERE ${visible}`).pluck().get() as number;
    const subs = this.stmt(`SELECT count(*) AS subscriptions, count(DISTINCT sub.session_id) AS subscribers, count(DISTINCT sub.topic_filter) AS topics,
      coalesce(sum(sub.topic_filter LIKE '$share/%'), 0) AS sharedSubscriptions FROM subscriptions sub JOIN sessions s ON s.id = sub.session_id WHERE ${visible}`)
      .get() as { subscriptions: number; subscribers: number; topics: number; sharedSubscriptions: number };
    return { sessions, ...subs };
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** One page in creation order (ties by row id, so pages never overlap) and the total matching. */
  list(f: EmqxClientFilter, offset: number, limit: number): { rows: EmqxClientRow[]; total: number } {
    if (f.matchesNothing) return { rows: [], total: 0 };
    const { sql, args } = whereOf(f);
    const rows = (this.stmt(`SELECT ${COLUMNS} FROM sessions WHERE ${sql} ORDER BY created_at, id LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as DbRow[]).map(fromDb);
    // A short page that is not empty is the last one: the total is known without counting.
    const total = rows.length > 0 && rows.length < limit
      ? offset + rows.length
      : (this.stmt(`SELECT count(*) AS n FROM sessions WHERE ${sql}`).get(...args) as { n: number }).n;
    return { rows, total };
  }

  /** One visible MQTT session, or undefined (unknown, MQ API or hidden). */
  get(clientName: string): EmqxClientRow | undefined {
    const r = this.stmt(`SELECT ${COLUMNS} FROM sessions WHERE client_name = ? AND ${VISIBLE}`).get(clientName) as DbRow | undefined;
    return r && fromDb(r);
  }
}
