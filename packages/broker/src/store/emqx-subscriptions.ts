import type Database from 'better-sqlite3';
import { sharedSubscriptionParts, topicMatches } from '@mqdash/contracts';

/** What `GET /api/v5/subscriptions` filters on (EMQX 5), AND-combined. */
export interface EmqxSubscriptionFilter {
  clientName?: string;
  qos?: number;
  /** The subscription's filter exactly, or a shared subscription's own filter. */
  topic?: string;
  /** Subscriptions whose filter, read as a topic, matches this filter. */
  matchTopic?: string;
  /** Shared subscriptions of this group ($share/{group}/…). */
  shareGroup?: string;
  matchesNothing?: boolean;
}

export interface EmqxSubscriptionRow {
  clientName: string;
  topicFilter: string;
  qos: number;
  options: { nl?: boolean; rap?: boolean; rh?: number };
}

/** The highest code point: every string starting with `p` sorts below `p + MAX_CHAR`. */
const MAX_CHAR = '\u{10FFFF}';

/**
 * The subscriptions of EMQX clients (visible MQTT sessions, DESIGN §4), connected or not, in
 * client then filter order: an indexed query for the SQL-expressible filters; match_topic, which
 * reads each filter as a topic, is applied to the rows those leave.
 */
export class EmqxSubscriptionQueries {
  constructor(private readonly db: Database.Database) {}

  list(f: EmqxSubscriptionFilter, offset: number, limit: number): { rows: EmqxSubscriptionRow[]; total: number } {
    if (f.matchesNothing) return { rows: [], total: 0 };
    const where = ["s.session_type = 'mqtt'", "s.session_status <> 'hidden'"];
    const args: unknown[] = [];
    if (f.clientName !== undefined) {
      where.push('s.client_name = ?');
      args.push(f.clientName);
    }
    if (f.qos !== undefined) {
      where.push('sub.qos = ?');
      args.push(f.qos);
    }
    if (f.shareGroup !== undefined) {
      const prefix = `$share/${f.shareGroup}/`;
      where.push('sub.topic_filter >= ? AND sub.topic_filter < ?');
      args.push(prefix, prefix + MAX_CHAR);
    }
    const from = `FROM subscriptions sub JOIN sessions s ON s.id = sub.session_id WHERE ${where.join(' AND ')}`;
    const select = `SELECT s.client_name AS client_name, sub.topic_filter AS topic_filter, sub.qos AS qos, sub.options AS options ${from} ORDER BY s.client_name, sub.topic_filter`;
    const toRow = (r: Record<string, unknown>): EmqxSubscriptionRow => ({
      clientName: r.client_name as string, topicFilter: r.topic_filter as string, qos: r.qos as number, options: JSON.parse(r.options as string),
    });
    const inMemory = f.topic !== undefined || f.matchTopic !== undefined;
    if (!inMemory) {
      const rows = (this.db.prepare(`${select} LIMIT ? OFFSET ?`).all(...args, limit, offset) as Array<Record<string, unknown>>).map(toRow);
      const total = (this.db.prepare(`SELECT count(*) AS n ${from}`).get(...args) as { n: number }).n;
      return { rows, total };
    }
    const own = (filter: string) => sharedSubscriptionParts(filter)?.filter ?? filter;
    const all = (this.db.prepare(select).all(...args) as Array<Record<string, unknown>>).map(toRow).filter((r) =>
      (f.topic === undefined || r.topicFilter === f.topic || own(r.topicFilter) === f.topic)
      && (f.matchTopic === undefined || topicMatches(f.matchTopic, own(r.topicFilter))));
    return { rows: all.slice(offset, offset + limit), total: all.length };
  }
}
