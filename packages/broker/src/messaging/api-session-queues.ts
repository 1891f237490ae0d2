import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { topicMatches } from '@mqdash/contracts';
import type { SubscriptionRow } from '../store/types.ts';
import { MAX_RESPONSE_PAYLOAD_BYTES, payloadBytes, serializeProps, type PublishPacket, type StoredMessage } from './payload.ts';
import { SubscriptionMatcher, type MatchedQueue, type Subscription } from './subscription-matcher.ts';

export interface ApiQueueOptions {
  /** Most messages kept per MQ API session; older ones are dropped and counted. */
  limit: number;
  /** Write-behind period: matched messages are written to SQLite in one transaction this often. */
  flushMs: number;
}

/** The in-memory side of one MQ API session's queue; the messages themselves are in SQLite. */
class SessionQueue implements MatchedQueue {
  /** Messages in SQLite. */
  stored = 0;
  /** Messages matched and not yet written. */
  pending = 0;
  /** Dropped since the last fetch (over the limit, or expired). */
  dropped = 0;
  nextSeq = 1;
  reported = -1;
  removed = false;
  readonly subs = new Map<string, Subscription<SessionQueue>>();
  constructor(readonly sessionId: number, readonly clientName: string) {}
  load(): number {
    return this.stored + this.pending;
  }
}

interface Pending {
  q: SessionQueue;
  seq: number;
  packet: PublishPacket;
  publisher: string | null;
  ts: number;
  qos: number;
  retain: boolean;
  /** includeExpiredMessages: kept past the message's expiry. */
  keepExpired: boolean;
}

interface QueueRow {
  seq: number;
  ts: number;
  expires_at: number | null;
  qos: number;
  retain: number;
  topic: string;
  publisher: string | null;
  props: string | null;
  payload: Buffer;
}

/**
 * The message queues of MQ API sessions (getMessagesFromMqApiSession). An in-memory topic matcher
 * (qlobber, as aedes uses) holds every MQ API session's subscriptions; a message that matches is
 * queued for the session in memory and written to SQLite in small batches (write-behind), so the
 * queue survives a restart and memory stays small. Each queue is bounded: the oldest messages over
 * the limit are dropped and counted. The backlog is reported to the registry after each batch.
 */
export class ApiSessionQueues {
  /** Hot-path flag: true while at least one MQ API session has a subscription. */
  active = false;
  private readonly matcher = new SubscriptionMatcher<SessionQueue>();
  private readonly queues = new Map<string, SessionQueue>();
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly stmts;

  /** Messages queued for every MQ API session (stored and about to be), for the queue depth metric. */
  total(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.load();
    return n;
  }

  constructor(
    private readonly db: Database.Database,
    private readonly o: ApiQueueOptions,
    private readonly onBacklog: (clientName: string, level: number) => void,
    private readonly log: Logger,
  ) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO mq_api_queue (session_id, seq, ts, expires_at, qos, retain, topic, publisher, props, payload)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      trim: db.prepare(`DELETE FROM mq_api_queue WHERE session_id = ? AND seq IN
        (SELECT seq FROM mq_api_queue WHERE session_id = ? ORDER BY seq LIMIT ?)`),
      page: db.prepare('SELECT * FROM mq_api_queue WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      consume: db.prepare('DELETE FROM mq_api_queue WHERE session_id = ? AND seq <= ?'),
      consumeOne: db.prepare('DELETE FROM mq_api_queue WHERE session_id = ? AND seq = ?'),
      count: db.prepare('SELECT count(*) AS n, max(seq) AS last FROM mq_api_queue WHERE session_id = ?'),
    };
  }

  /** Start-up: subscriptions from the subscriptions table, queue lengths from the queue table. */
  load(): void {
    const subs = this.db.prepare(`SELECT s.id AS id, s.client_name AS name, sub.topic_filter AS filter, sub.qos AS qos, sub.options AS options
      FROM subscriptions sub JOIN sessions s ON s.id = sub.session_id WHERE s.session_type = 'mqApi' ORDER BY s.id`).all() as
      Array<{ id: number; name: string; filter: string; qos: number; options: string }>;
    const bySession = new Map<number, { name: string; rows: SubscriptionRow[] }>();
    for (const r of subs) {
      let e = bySession.get(r.id);
      if (!e) bySession.set(r.id, (e = { name: r.name, rows: [] }));
      e.rows.push({ topicFilter: r.filter, qos: r.qos, options: JSON.parse(r.options) as Record<string, unknown> });
    }
    for (const [id, e] of bySession) this.setSubscriptions(id, e.name, e.rows);
    const queued = this.db.prepare(`SELECT q.session_id AS id, s.client_name AS name, count(*) AS n, max(q.seq) AS last
      FROM mq_api_queue q JOIN sessions s ON s.id = q.session_id GROUP BY q.session_id`).all() as
      Array<{ id: number; name: string; n: number; last: number }>;
    for (const r of queued) {
      const q = this.queueFor(r.id, r.name);
      q.stored = r.n;
      q.nextSeq = r.last + 1;
    }
    // Every MQ API session with a subscription or a queue is reported, so its health is watched from the start (issue 9).
    for (const q of this.queues.values()) this.report(q);
  }

  private queueFor(sessionId: number, clientName: string): SessionQueue {
    let q = this.queues.get(clientName);
    if (q && q.sessionId !== sessionId) {
      // The name now belongs to a new session: the old one's state goes.
      this.remove(clientName);
      q = undefined;
    }
    if (!q) {
      q = new SessionQueue(sessionId, clientName);
      this.queues.set(clientName, q);
    }
    return q;
  }

  /** Replaces an MQ API session's subscriptions in the matcher (after subscribeToMq changed them). */
  setSubscriptions(sessionId: number, clientName: string, rows: readonly SubscriptionRow[]): void {
    const q = this.queueFor(sessionId, clientName);
    this.clearSubscriptions(q);
    for (const r of rows) {
      const o = r.options as { nl?: boolean; rap?: boolean; includeExpiredMessages?: boolean };
      const sub: Subscription<SessionQueue> = {
        queue: q, filter: r.topicFilter, qos: r.qos, noLocal: o.nl === true, retainAsPublished: o.rap === true,
        includeExpired: o.includeExpiredMessages === true,
      };
      // qlobber refuses filters deeper than aedes' topic level limit; no topic could match them.
      if (!this.matcher.add(sub)) {
        this.log.warn({ clientName, topicFilter: r.topicFilter }, 'MQ API subscription not matchable');
        continue;
      }
      q.subs.set(r.topicFilter, sub);
    }
    this.active = this.matcher.size > 0;
  }

  private clearSubscriptions(q: SessionQueue): void {
    for (const sub of q.subs.values()) this.matcher.remove(sub);
    q.subs.clear();
    this.active = this.matcher.size > 0;
  }

  /** The session is gone: its subscriptions leave the matcher; its rows went with the session (CASCADE). */
  remove(clientName: string): void {
    const q = this.queues.get(clientName);
    if (!q) return;
    q.removed = true;
    this.clearSubscriptions(q);
    this.queues.delete(clientName);
  }

  /**
   * Hot path, called only while `active`: queues a published message for every MQ API session
   * whose subscriptions match it (once per session, at the highest QoS granted) and for one member
   * of each matching shared group.
   */
  route(topic: string, packet: PublishPacket, publisher: string | null, now: number): void {
    for (const s of this.matcher.match(topic, publisher)) this.enqueue(s, packet, publisher, now);
  }

  private enqueue(s: Subscription<SessionQueue>, packet: PublishPacket, publisher: string | null, ts: number): void {
    const q = s.queue;
    q.pending++;
    this.pending.push({
      q, seq: q.nextSeq++, packet, publisher, ts, qos: Math.min(packet.qos, s.qos), retain: s.retainAsPublished && packet.retain,
      keepExpired: s.includeExpired,
    });
    if (this.timer === null) {
      this.timer = setTimeout(() => this.flushSafely(), this.o.flushMs);
      this.timer.unref();
    }
  }

  private flushSafely(): void {
    try {
      this.flush();
    } catch (err) {
      this.log.error({ err }, 'MQ API queue flush failed');
    }
  }

  /** Writes the queued messages in one transaction and trims queues over the limit. */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const m of batch) m.q.pending--;
    const touched = new Set<SessionQueue>();
    const props = new Map<PublishPacket, string | null>();
    const { insert, trim } = this.stmts;
    try {
      this.db.transaction(() => {
        for (const m of batch) {
          if (m.q.removed) continue;
          let p = props.get(m.packet);
          if (p === undefined) props.set(m.packet, (p = serializeProps(m.packet.properties)));
          const expiry = m.packet.properties?.messageExpiryInterval;
          insert.run(m.q.sessionId, m.seq, m.ts, expiry && !m.keepExpired ? m.ts + expiry * 1000 : null, m.qos, m.retain ? 1 : 0, m.packet.topic,
            m.publisher, p, payloadBytes(m.packet.payload));
          m.q.stored++;
          touched.add(m.q);
        }
        for (const q of touched) {
          if (q.stored <= this.o.limit) continue;
          const gone = trim.run(q.sessionId, q.sessionId, q.stored - this.o.limit).changes;
          q.stored -= gone;
          q.dropped += gone;
        }
      })();
    } catch (err) {
      // The batch is lost (rolled back): count it as dropped and take the lengths from the table.
      this.log.error({ err, messages: batch.length }, 'writing MQ API session queues failed; messages dropped');
      for (const m of batch) if (!m.q.removed) touched.add(m.q);
      for (const q of touched) {
        const before = q.stored;
        this.recount(q);
        q.dropped += Math.max(0, before - q.stored);
      }
    }
    for (const q of touched) this.report(q);
  }

  private recount(q: SessionQueue): void {
    const r = this.stmts.count.get(q.sessionId) as { n: number; last: number | null };
    q.stored = r.n;
    q.nextSeq = Math.max(q.nextSeq, (r.last ?? 0) + 1);
  }

  private report(q: SessionQueue): void {
    if (q.stored === q.reported || q.removed) return;
    q.reported = q.stored;
    this.onBacklog(q.clientName, q.stored);
  }

  /**
   * Takes up to `max` messages of a session, oldest first, and removes them from its queue
   * (consumed). With `topic` (FairCom's getMessagesFromMqApiSession "topic": a topic name, or a
   * filter) only messages on matching topics are taken; the others stay queued in order. Expired
   * messages met on the way are dropped and counted.
   */
  fetch(sessionId: number, clientName: string, max: number, now: number, topic?: string): { messages: StoredMessage[]; remaining: number; dropped: number } {
    this.flush();
    const q = this.queues.get(clientName);
    if (!q || q.sessionId !== sessionId) return { messages: [], remaining: 0, dropped: 0 };
    const wanted = topic === undefined ? null : /[+#]/.test(topic) ? (t: string) => topicMatches(topic, t) : (t: string) => t === topic;
    const messages: StoredMessage[] = [];
    const picked: number[] = [];
    let expired = 0;
    let bytes = 0;
    let full = false;
    const { page, consume, consumeOne } = this.stmts;
    this.db.transaction(() => {
      let cursor = 0;
      for (;;) {
        const want = Math.max(max - messages.length, 256);
        const rows = page.all(q.sessionId, cursor, want) as QueueRow[];
        for (const r of rows) {
          if (messages.length >= max) break;
          if (wanted && !wanted(r.topic)) {
            cursor = r.seq;
            continue;
          }
          if (r.expires_at !== null && r.expires_at <= now) {
            cursor = r.seq;
            picked.push(r.seq);
            expired++;
            continue;
          }
          // A response stays under MAX_RESPONSE_PAYLOAD_BYTES (at least one message): the rest stays queued.
          if (messages.length > 0 && bytes + r.payload.length > MAX_RESPONSE_PAYLOAD_BYTES) {
            full = true;
            break;
          }
          bytes += r.payload.length;
          cursor = r.seq;
          picked.push(r.seq);
          messages.push({
            topic: r.topic, payload: r.payload, qos: r.qos, retain: r.retain === 1, ts: r.ts, publisher: r.publisher,
            props: r.props, expiresAt: r.expires_at,
          });
        }
        if (full || messages.length >= max || rows.length < want) break;
      }
      if (picked.length === 0) return;
      // Without a topic the picked rows are the head of the queue: one range delete.
      if (!wanted) q.stored -= consume.run(q.sessionId, picked[picked.length - 1]).changes;
      else for (const seq of picked) q.stored -= consumeOne.run(q.sessionId, seq).changes;
    })();
    const dropped = q.dropped + expired;
    q.dropped = 0;
    this.report(q);
    return { messages, remaining: q.stored, dropped };
  }

  /** Whether an MQ API session's subscription matches `topic` (EMQX's publish answers 202 when none does). */
  matches(topic: string): boolean {
    return this.active && this.matcher.any(topic);
  }

  /** Messages queued for a session (written or not). */
  length(clientName: string): number {
    const q = this.queues.get(clientName);
    if (!q) return 0;
    return q.load();
  }

  close(): void {
    this.flush();
  }
}
