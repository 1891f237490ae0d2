import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { MAX_RESPONSE_PAYLOAD_BYTES, serializeProps, type MqttProps, type PublishPacket, type StoredMessage } from './payload.ts';
import { RECORD_HEADER, packChunk, publisherBytes, readRecord, recordOffsets, recordTs, writeRecord } from './topic-history-chunk.ts';

export interface TopicHistoryOptions {
  /** Messages kept per topic (the newest); 0 turns the history off. */
  limit: number;
  /** Payload bytes kept per topic: the newest messages whose payloads fit; the oldest go first. */
  maxBytesPerTopic: number;
  /** Topics tracked at once. When full, new topics are not recorded until the next write, which forgets the least recently published 10%. */
  maxTopics: number;
  /** Payload bytes kept over all topics; over it, the least recently published topics are forgotten (down to 90%). */
  maxTotalBytes: number;
  /** Write-behind period (ms). */
  flushMs: number;
}

/** A slot of a topic's ring; reused, so recording a message allocates nothing. */
class Entry {
  position = 0;
  ts = 0;
  /** The payload's logical offset in the topic's arena (see TopicState.base). */
  off = 0;
  len = 0;
  qos = 0;
  retain = false;
  publisher: string | null = null;
  props: MqttProps | null = null;
}

const MIN_ARENA = 4096;

/**
 * One topic: counters, and the messages published since the last write: a ring of entries (at
 * most `limit`) whose payloads are copied into the topic's arena, so no packet or socket buffer is
 * kept alive by the history.
 */
class TopicState {
  id = 0;
  /** Payload bytes of this topic's rows in SQLite. */
  storedBytes = 0;
  ring: Entry[] | null = null;
  /** Oldest pending slot and number of pending messages. */
  start = 0;
  count = 0;
  /** Payload bytes of the pending messages. */
  pendingBytes = 0;
  /** The newest position dropped for the byte cap: it and everything older must not be kept. */
  dropFloor = 0;
  arena: Buffer | null = null;
  /**
   * Logical offsets: payloads are appended at `end` and never move logically; the arena holds
   * [base, base + arena.length). Pending payloads are contiguous from the oldest pending entry's
   * offset to `end`, so a compaction is one copy and no entry changes.
   */
  base = 0;
  end = 0;
  /** The previous arena, reused by the next compaction (double buffering: no allocation once warm). */
  spare: Buffer | null = null;
  constructor(readonly topic: string, public lastPosition: number, public lastAt: number) {}
}

interface ChunkRow {
  first_position: number;
  last_position: number;
  data: Buffer;
}

export interface HistoryQuery {
  startFrom?: 'head' | 'tail';
  startTimestamp?: number;
  startPosition?: number;
  max: number;
}

export interface HistoryPage {
  messages: Array<StoredMessage & { position: number }>;
  firstPosition: number;
  lastPosition: number;
  storedMessages: number;
  moreRecords: boolean;
}

const nextPow2 = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(n, 1)));

/**
 * The per-topic message history behind getMessagesFromMqTopic. The publish hot path fills a
 * reusable ring slot per message and copies the payload into the topic's arena (bounded by the
 * per-topic limits). Every `flushMs` each topic with new messages is written to SQLite as one row
 * (topic-history-chunk.ts) in one transaction, and rows outside the limits are trimmed. Reads
 * write first, then read SQLite. `$SYS/` topics are never recorded (the caller filters).
 */
export class TopicHistory {
  readonly enabled: boolean;
  /** Messages not recorded because the topic cap was reached. */
  untracked = 0;
  private readonly topics = new Map<string, TopicState>();
  private dirty: TopicState[] = [];
  /** Topics holding a ring and an arena; let go after a write period without messages. */
  private withRing: TopicState[] = [];
  private lastFlushAt = 0;
  private totalBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly stmts;

  constructor(private readonly db: Database.Database, readonly o: TopicHistoryOptions, private readonly log: Logger) {
    this.enabled = o.limit > 0;
    this.stmts = {
      newTopic: db.prepare('INSERT INTO topic_history_topics (topic, last_position, last_at) VALUES (?, ?, ?)'),
      updateTopic: db.prepare('UPDATE topic_history_topics SET last_position = ?, last_at = ?, stored_bytes = ? WHERE id = ?'),
      deleteTopic: db.prepare('DELETE FROM topic_history_topics WHERE id = ?'),
      insert: db.prepare(`INSERT OR REPLACE INTO topic_history (topic_id, first_position, last_position, first_ts, last_ts, bytes, data)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      deleteBefore: db.prepare('DELETE FROM topic_history WHERE topic_id = ? AND last_position < ? RETURNING bytes'),
      rowSizes: db.prepare('SELECT first_position, last_position, bytes FROM topic_history WHERE topic_id = ? ORDER BY first_position DESC'),
      rowData: db.prepare('SELECT data FROM topic_history WHERE topic_id = ? AND first_position = ?'),
      straddling: db.prepare(`SELECT first_position, last_position, bytes, data FROM topic_history
        WHERE topic_id = ? AND first_position < ? AND last_position >= ?`),
      deleteRow: db.prepare('DELETE FROM topic_history WHERE topic_id = ? AND first_position = ?'),
      summary: db.prepare(`SELECT total(last_position - max(first_position, @w) + 1) AS n, min(max(first_position, @w)) AS first, max(last_position) AS last
        FROM topic_history WHERE topic_id = @id AND last_position >= @w`),
      ascending: db.prepare('SELECT first_position, last_position, data FROM topic_history WHERE topic_id = ? AND last_position >= ? ORDER BY first_position'),
      ascendingFromTime: db.prepare(`SELECT first_position, last_position, data FROM topic_history
        WHERE topic_id = ? AND last_position >= ? AND last_ts >= ? ORDER BY first_position`),
      descending: db.prepare('SELECT first_position, last_position, data FROM topic_history WHERE topic_id = ? AND last_position >= ? ORDER BY first_position DESC'),
    };
  }

  /** Start-up: the topics and their counters; trims what lowered limits no longer allow. */
  load(): void {
    const rows = this.db.prepare('SELECT id, topic, last_position, last_at, stored_bytes FROM topic_history_topics').all() as
      Array<{ id: number; topic: string; last_position: number; last_at: number; stored_bytes: number }>;
    if (!this.enabled) {
      // History off: forget what an earlier run kept.
      if (rows.length) this.db.exec('DELETE FROM topic_history; DELETE FROM topic_history_topics;');
      return;
    }
    for (const r of rows) {
      const t = new TopicState(r.topic, r.last_position, r.last_at);
      t.id = r.id;
      t.storedBytes = r.stored_bytes;
      this.totalBytes += t.storedBytes;
      this.topics.set(r.topic, t);
    }
    this.db.transaction(() => {
      for (const t of this.topics.values()) this.trim(t);
      this.evictIfNeeded();
    })();
  }

  start(): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => {
      try {
        this.flush();
      } catch (err) {
        this.log.error({ err }, 'topic history flush failed');
      }
    }, this.o.flushMs);
    this.timer.unref();
  }

  /** Hot path: one published message (not `$SYS/`). A Map lookup, a ring slot and a payload copy. */
  record(topic: string, packet: PublishPacket, publisher: string | null, now: number): void {
    let t = this.topics.get(topic);
    if (t === undefined) {
      if (this.topics.size >= this.o.maxTopics) {
        this.untracked++;
        return;
      }
      t = new TopicState(topic, 0, now);
      this.topics.set(topic, t);
    }
    let ring = t.ring;
    if (ring === null) {
      ring = t.ring = [];
      this.withRing.push(t);
    }
    if (t.count === 0) this.dirty.push(t);
    let e: Entry;
    const slots = ring.length;
    if (t.count < slots) {
      // A free slot after the newest.
      let i = t.start + t.count;
      if (i >= slots) i -= slots;
      e = ring[i]!;
      t.count++;
    } else if (slots < this.o.limit) {
      // Full below the limit: grow (in order).
      if (t.start !== 0) {
        t.ring = ring = [...ring.slice(t.start), ...ring.slice(0, t.start)];
        t.start = 0;
      }
      e = new Entry();
      ring.push(e);
      t.count++;
    } else {
      // Full at the limit: the oldest pending message gives way.
      e = ring[t.start]!;
      t.pendingBytes -= e.len;
      if (++t.start === slots) t.start = 0;
    }
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const len = payload.length;
    e.off = t.end;
    e.len = 0;
    if (t.arena === null || t.end - t.base + len > t.arena.length) this.makeRoom(t, len);
    payload.copy(t.arena!, t.end - t.base);
    e.len = len;
    t.end += len;
    e.position = ++t.lastPosition;
    e.ts = now;
    e.qos = packet.qos;
    e.retain = packet.retain;
    e.publisher = publisher;
    e.props = packet.properties ?? null;
    t.lastAt = now;
    t.pendingBytes += len;
    if (t.pendingBytes > this.o.maxBytesPerTopic) this.dropOverBytes(t);
  }

  /** Moves the pending payloads to the start of an arena with room for them four times over plus `need`. */
  private makeRoom(t: TopicState, need: number): void {
    const old = t.arena;
    const liveStart = t.count > 0 ? t.ring![t.start]!.off : t.end;
    const live = t.end - liveStart;
    const size = Math.max(MIN_ARENA, nextPow2(4 * (live + need)));
    const spare = t.spare;
    const next = spare !== null && spare.length >= size && spare.length <= 4 * size ? spare : Buffer.allocUnsafeSlow(size);
    if (old !== null && live > 0) old.copy(next, 0, liveStart - t.base, t.end - t.base);
    t.base = liveStart;
    t.arena = next;
    t.spare = old !== next ? old : null;
  }

  private dropOverBytes(t: TopicState): void {
    const ring = t.ring!;
    while (t.count > 0 && t.pendingBytes > this.o.maxBytesPerTopic) {
      const e = ring[t.start]!;
      t.pendingBytes -= e.len;
      t.dropFloor = e.position;
      e.props = null;
      if (++t.start === ring.length) t.start = 0;
      t.count--;
    }
  }

  /** Writes every topic with new messages (one row each) in one transaction, then trims and evicts. */
  flush(): void {
    if (this.dirty.length === 0) return;
    const dirty = this.dirty;
    this.dirty = [];
    try {
      this.writeDirty(dirty);
    } catch (err) {
      // Rolled back: take the counters of these topics from the table again, then report.
      this.resync(dirty);
      throw err;
    } finally {
      this.releaseIdleRings();
    }
  }

  private writeDirty(dirty: TopicState[]): void {
    const s = this.stmts;
    this.db.transaction(() => {
      for (const t of dirty) {
        const ring = t.ring;
        const arena = t.arena;
        const n = t.count;
        let i = t.start;
        const base = t.base;
        t.count = 0;
        t.start = 0;
        t.pendingBytes = 0;
        t.base = t.end;
        if (!ring || !arena || this.topics.get(t.topic) !== t) continue;
        if (n === 0) {
          // Everything of this period went for the byte cap: older rows must go too.
          this.trim(t);
          continue;
        }
        if (t.id === 0) t.id = Number(s.newTopic.run(t.topic, t.lastPosition, t.lastAt).lastInsertRowid);
        // Two passes over the ring: size, then the records written straight into the row's buffer.
        let size = 0;
        let payloadBytes = 0;
        let lastPub: string | null = null;
        let lastPubLen = 0;
        let props: Array<string | null> | null = null;
        for (let k = 0, j = i; k < n; k++) {
          const e = ring[j]!;
          if (++j === ring.length) j = 0;
          if (e.publisher !== lastPub) {
            lastPub = e.publisher;
            lastPubLen = publisherBytes(lastPub);
          }
          let propsLen = 0;
          if (e.props !== null) {
            props ??= new Array<string | null>(n).fill(null);
            const text = serializeProps(e.props);
            props[k] = text;
            propsLen = text ? Buffer.byteLength(text) : 0;
          }
          size += RECORD_HEADER + lastPubLen + propsLen + e.len;
          payloadBytes += e.len;
        }
        const data = Buffer.allocUnsafe(size);
        const first = ring[i]!.position;
        const firstTs = ring[i]!.ts;
        let lastTs = firstTs;
        let o = 0;
        lastPub = null;
        for (let k = 0; k < n; k++) {
          const e = ring[i]!;
          if (++i === ring.length) i = 0;
          if (e.publisher !== lastPub) {
            lastPub = e.publisher;
            lastPubLen = publisherBytes(lastPub);
          }
          const text = props?.[k] ?? null;
          const start = e.off - base;
          o = writeRecord(data, o, e.ts, e.qos, e.retain, lastPub, lastPubLen, text, text ? Buffer.byteLength(text) : 0, arena, start, start + e.len);
          lastTs = e.ts;
          e.publisher = null;
          e.props = null;
        }
        s.insert.run(t.id, first, first + n - 1, firstTs, lastTs, payloadBytes, data);
        t.storedBytes += payloadBytes;
        this.totalBytes += payloadBytes;
        this.trim(t);
      }
      this.evictIfNeeded();
    })();
  }

  private releaseIdleRings(): void {
    const kept: TopicState[] = [];
    for (const t of this.withRing) {
      if (t.ring && t.lastAt >= this.lastFlushAt && this.topics.get(t.topic) === t) kept.push(t);
      else {
        t.ring = null;
        t.arena = null;
        t.spare = null;
        t.count = 0;
        t.start = 0;
        t.pendingBytes = 0;
        t.base = t.end;
      }
    }
    this.withRing = kept;
    this.lastFlushAt = Date.now();
  }

  private resync(topics: TopicState[]): void {
    const get = this.db.prepare('SELECT id, last_position, stored_bytes FROM topic_history_topics WHERE topic = ?');
    for (const t of topics) {
      const r = get.get(t.topic) as { id: number; last_position: number; stored_bytes: number } | undefined;
      t.id = r?.id ?? 0;
      t.storedBytes = r?.stored_bytes ?? 0;
      t.lastPosition = Math.max(t.lastPosition, r?.last_position ?? 0);
    }
    this.totalBytes = 0;
    for (const t of this.topics.values()) this.totalBytes += t.storedBytes;
  }

  /**
   * Applies the limits exactly: the newest `limit` messages, and of those the newest whose payloads
   * fit in `maxBytesPerTopic`. Rows wholly before the cut are deleted; a row straddling it is
   * packed again from the cut on. Writes the topic's counters.
   */
  private trim(t: TopicState): void {
    if (t.id === 0) return;
    const s = this.stmts;
    let cut = Math.max(t.lastPosition - this.o.limit + 1, t.dropFloor + 1);
    if (t.storedBytes > this.o.maxBytesPerTopic) cut = Math.max(cut, this.byteCut(t));
    for (const gone of s.deleteBefore.all(t.id, cut) as Array<{ bytes: number }>) {
      t.storedBytes -= gone.bytes;
      this.totalBytes -= gone.bytes;
    }
    const row = s.straddling.get(t.id, cut, cut) as (ChunkRow & { bytes: number }) | undefined;
    if (row) {
      const offsets = recordOffsets(row.data);
      const kept = offsets.slice(cut - row.first_position).map((o) => readRecord(row.data, o));
      const keptBytes = kept.reduce((n, r) => n + r.payload.length, 0);
      s.deleteRow.run(t.id, row.first_position);
      s.insert.run(t.id, cut, row.last_position, kept[0]!.ts, kept[kept.length - 1]!.ts, keptBytes, packChunk(kept));
      t.storedBytes -= row.bytes - keptBytes;
      this.totalBytes -= row.bytes - keptBytes;
    }
    s.updateTopic.run(t.lastPosition, t.lastAt, t.storedBytes, t.id);
  }

  /** The oldest position from which the newest payloads fit in the per-topic byte cap. */
  private byteCut(t: TopicState): number {
    const s = this.stmts;
    const max = this.o.maxBytesPerTopic;
    let sum = 0;
    for (const row of s.rowSizes.iterate(t.id) as IterableIterator<{ first_position: number; last_position: number; bytes: number }>) {
      if (sum + row.bytes <= max) {
        sum += row.bytes;
        continue;
      }
      const { data } = s.rowData.get(t.id, row.first_position) as { data: Buffer };
      const offsets = recordOffsets(data);
      let i = offsets.length;
      while (i > 0) {
        const size = data.readUInt32LE(offsets[i - 1]!);
        if (sum + size > max) break;
        sum += size;
        i--;
      }
      return row.first_position + i;
    }
    return 0;
  }

  /** Over the topic or byte cap: forget the least recently published topics down to 90% of the cap. */
  private evictIfNeeded(): void {
    if (this.topics.size < this.o.maxTopics && this.totalBytes <= this.o.maxTotalBytes) return;
    const keepTopics = Math.floor(this.o.maxTopics * 0.9);
    const keepBytes = Math.floor(this.o.maxTotalBytes * 0.9);
    const candidates = [...this.topics.values()].filter((t) => t.count === 0).sort((a, b) => a.lastAt - b.lastAt);
    let evicted = 0;
    for (const t of candidates) {
      if (this.topics.size <= keepTopics && this.totalBytes <= keepBytes) break;
      if (t.id !== 0) this.stmts.deleteTopic.run(t.id);
      this.totalBytes -= t.storedBytes;
      this.topics.delete(t.topic);
      evicted++;
    }
    this.log.info({ evicted, topics: this.topics.size, totalBytes: this.totalBytes }, 'topic history: least recently published topics forgotten');
  }

  /** A stateless read of one topic's kept messages (written first, so the newest are included). */
  read(topic: string, q: HistoryQuery): HistoryPage {
    this.flush();
    const empty: HistoryPage = { messages: [], firstPosition: 0, lastPosition: 0, storedMessages: 0, moreRecords: false };
    const t = this.topics.get(topic);
    if (!t || t.id === 0) return empty;
    const s = this.stmts;
    const windowStart = Math.max(1, t.lastPosition - this.o.limit + 1);
    const sum = s.summary.get({ id: t.id, w: windowStart }) as { n: number; first: number | null; last: number | null };
    if (!sum.n) return empty;
    const page: HistoryPage = { messages: [], firstPosition: sum.first!, lastPosition: sum.last!, storedMessages: sum.n, moreRecords: false };
    const out = page.messages;
    const push = (row: ChunkRow, offsets: number[], index: number) => {
      const r = readRecord(row.data, offsets[index]!);
      out.push({ position: row.first_position + index, topic, payload: r.payload, qos: r.qos, retain: r.retain, ts: r.ts, publisher: r.publisher, props: r.props });
    };

    if (q.startPosition === undefined && q.startTimestamp === undefined && q.startFrom !== 'head') {
      // Tail: newest rows first until enough, then oldest first.
      const picked: Array<{ row: ChunkRow; offsets: number[]; from: number }> = [];
      let need = q.max;
      let bytes = 0;
      rows: for (const row of s.descending.iterate(t.id, windowStart) as IterableIterator<ChunkRow>) {
        const offsets = recordOffsets(row.data);
        const lowest = Math.max(0, windowStart - row.first_position);
        let from = offsets.length;
        // Newest first, within maxMessages and the response byte budget (at least one message).
        while (from > lowest && need > 0) {
          const size = row.data.readUInt32LE(offsets[from - 1]!);
          if (bytes + size > MAX_RESPONSE_PAYLOAD_BYTES && q.max - need > 0) {
            if (from < offsets.length) picked.push({ row, offsets, from });
            break rows;
          }
          bytes += size;
          from--;
          need--;
        }
        if (from < offsets.length) picked.push({ row, offsets, from });
        if (need <= 0) break;
      }
      for (let k = picked.length - 1; k >= 0; k--) {
        const { row, offsets, from } = picked[k]!;
        for (let i = from; i < offsets.length; i++) push(row, offsets, i);
      }
      return page;
    }

    const fromPosition = Math.max(windowStart, q.startPosition ?? 0);
    const rows = (q.startTimestamp !== undefined
      ? s.ascendingFromTime.iterate(t.id, fromPosition, q.startTimestamp)
      : s.ascending.iterate(t.id, fromPosition)) as IterableIterator<ChunkRow>;
    let bytes = 0;
    for (const row of rows) {
      const offsets = recordOffsets(row.data);
      for (let i = Math.max(0, fromPosition - row.first_position); i < offsets.length; i++) {
        if (q.startTimestamp !== undefined && recordTs(row.data, offsets[i]!) < q.startTimestamp) continue;
        const size = row.data.readUInt32LE(offsets[i]!);
        // maxMessages reached, or the response byte budget (at least one message): continue from nextPosition.
        if (out.length === q.max || (out.length > 0 && bytes + size > MAX_RESPONSE_PAYLOAD_BYTES)) {
          page.moreRecords = true;
          break;
        }
        bytes += size;
        push(row, offsets, i);
      }
      if (page.moreRecords) break;
    }
    return page;
  }

  /** Each tracked topic and when a message was last published on it (describeMqSessions' subscribedTopics[].topics). */
  *lastPublished(): IterableIterator<[topic: string, lastAt: number]> {
    for (const t of this.topics.values()) yield [t.topic, t.lastAt];
  }

  /** Topics tracked and bytes kept (for tests and the bench). */
  stats(): { topics: number; totalBytes: number; untracked: number } {
    return { topics: this.topics.size, totalBytes: this.totalBytes, untracked: this.untracked };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.enabled) this.flush();
  }
}
