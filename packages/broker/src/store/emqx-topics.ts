import type Database from 'better-sqlite3';

/**
 * `GET /api/v5/topics` (EMQX 5): the routing table, one row per topic filter some session here
 * subscribes to (MQTT and MQ API sessions, connected or not: their subscriptions route messages
 * to this node). A shared subscription `$share/{group}/{filter}` routes `{filter}`, as in EMQX.
 */
const ROUTE = `CASE WHEN topic_filter LIKE '$share/%' THEN substr(topic_filter, 8 + instr(substr(topic_filter, 8), '/')) ELSE topic_filter END`;

export class EmqxTopicQueries {
  private readonly page: Database.Statement;
  private readonly count: Database.Statement;
  private readonly one: Database.Statement;

  constructor(db: Database.Database) {
    this.page = db.prepare(`SELECT DISTINCT ${ROUTE} AS topic FROM subscriptions ORDER BY topic LIMIT ? OFFSET ?`);
    this.count = db.prepare(`SELECT count(DISTINCT ${ROUTE}) AS n FROM subscriptions`);
    this.one = db.prepare(`SELECT 1 FROM subscriptions WHERE topic_filter = ? OR (topic_filter LIKE '$share/%' AND ${ROUTE} = ?) LIMIT 1`);
  }

  /** Routes in topic order; `topic` given: that route only (an exact topic filter, as EMQX's `topic` parameter). */
  list(topic: string | undefined, offset: number, limit: number): { topics: string[]; total: number } {
    if (topic !== undefined) {
      const has = this.one.get(topic, topic) !== undefined;
      return { topics: has && offset === 0 ? [topic] : [], total: has ? 1 : 0 };
    }
    const topics = (this.page.all(limit, offset) as Array<{ topic: string }>).map((r) => r.topic);
    return { topics, total: (this.count.get() as { n: number }).n };
  }
}
