/**
 * The durable aedes persistence (DESIGN §3, "Store"): MQTT protocol state in the mqdash SQLite
 * database, in `mqtt_*` tables next to the registry's.
 *
 * Reads are served from memory, exactly as aedes-persistence's in-memory reference implementation
 * serves them (the same shapes, the same qlobber matcher for subscriptionsByTopic); every change
 * is also recorded for SQLite (the latest state per row) and written by group commit: one
 * transaction per flush, prepared statements (group-commit.ts). Everything is loaded back at
 * start, so subscriptions, queued and in-flight messages, incoming QoS 2 packets, retained
 * messages and wills survive a restart: retained messages during `setup`, the rest during it or,
 * with `loadInBackground` (the broker's choice, issue 14), after it in slices while every MQTT
 * call waits for them.
 *
 * When a caller's promise resolves (DESIGN §8; README "Durability of MQTT state"):
 * - after the flush (the next turn of the event loop, fsynced with `sync: 'full'`, the default):
 *   subscriptions, incoming QoS 2 packets (PUBREC/PUBCOMP follow), wills, QoS 2 outgoing state
 *   (the PUBLISH message id and PUBREL, so exactly-once holds across a crash), and the write-ahead
 *   entry of a client's QoS>0 PUBLISH (`beforeAck`: the PUBACK/PUBREC follows);
 * - at once (write-behind, written once at least `delayMs` old, so a message queued and
 *   acknowledged in between is never written): queueing a message, the QoS 1 message id, clearing
 *   an acknowledged message, retained messages. Their durability comes from the write-ahead
 *   entry, which is deleted in the same transaction that writes the queue rows of its message
 *   (one stamp), so a crash replays it exactly once. Resolving these at once also keeps aedes'
 *   delivery order: aedes numbers a message (brokerCounter) before it enqueues it, and a client
 *   drops a message numbered below one it already got (aedes `dedupe`, moscajs/aedes#955, #994),
 *   so delaying the enqueue until a flush would lose messages for online subscribers.
 */
import { Readable } from 'node:stream';
import type Database from 'better-sqlite3';
import QlobberSub from 'qlobber/aedes/qlobber-sub.js';
import { GroupCommit, type GroupCommitOptions } from './group-commit.ts';
import { decodePacket, encodePacket, fromJson, queuedCopy, toJson, type AnyPacket, type PacketRow } from './packet-codec.ts';
import { RetainedIndex, type RetainedEntry } from './retained-index.ts';
import { IndexedRetainedMessages, RETAINED_AT, RETAINED_BY, RETAINED_BY_USER, type RetainedMessages } from './retained-messages.ts';

export type { AnyPacket } from './packet-codec.ts';

const QLOBBER_OPTIONS = { wildcard_one: '+', wildcard_some: '#', separator: '/' };
/** Default per-client queue limit (env MQTT_MAX_QUEUED_MESSAGES; README). */
export const DEFAULT_MAX_QUEUED_PER_CLIENT = 100_000;
const SCHEMA_VERSION = 1;

const schema = `
CREATE TABLE IF NOT EXISTS mqtt_schema (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS mqtt_subscriptions (
  client_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  qos INTEGER NOT NULL,
  rh INTEGER,
  rap INTEGER,
  nl INTEGER,
  subscription_identifier INTEGER,
  PRIMARY KEY (client_id, topic)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mqtt_retained (
  topic TEXT PRIMARY KEY,
  payload BLOB,
  meta TEXT NOT NULL
);
-- Messages queued for (and in flight to) persistent sessions, in queue order (seq).
CREATE TABLE IF NOT EXISTS mqtt_outgoing (
  seq INTEGER PRIMARY KEY,
  client_id TEXT NOT NULL,
  topic TEXT,
  payload BLOB,
  message_id INTEGER,
  meta TEXT NOT NULL,
  queued_at INTEGER
);
-- QoS 2 PUBLISHes received and not yet released (PUBREL).
CREATE TABLE IF NOT EXISTS mqtt_incoming (
  client_id TEXT NOT NULL,
  message_id INTEGER NOT NULL,
  topic TEXT,
  payload BLOB,
  meta TEXT NOT NULL,
  PRIMARY KEY (client_id, message_id)
);
CREATE TABLE IF NOT EXISTS mqtt_wills (
  client_id TEXT PRIMARY KEY,
  topic TEXT,
  payload BLOB,
  meta TEXT NOT NULL
);
-- Write-ahead: a client's QoS>0 PUBLISH, written before it is acknowledged and deleted when its
-- queue rows are written; what is left at start was acknowledged but not queued: it is replayed.
CREATE TABLE IF NOT EXISTS mqtt_write_ahead (
  id INTEGER PRIMARY KEY,
  client_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  topic TEXT NOT NULL,
  payload BLOB NOT NULL,
  qos INTEGER NOT NULL,
  retain INTEGER NOT NULL,
  properties TEXT
);
`;

interface Client { id: string; brokerId?: string }
interface SubscriptionIn { topic: string; qos: number; rh?: number; rap?: boolean; nl?: boolean; subscriptionIdentifier?: number }
interface SubRecord { qos: number; rh?: number; rap?: boolean; nl?: boolean; subscriptionIdentifier?: number }
interface Subscriber { clientId: string }
interface BrokerLike { id: string }

/** `queuedAt`: epoch ms it joined the queue (retention's queuedMessagesMaxAgeDays; rows written before issue 14: when they were loaded). */
interface OutEntry { seq: number; clientId: string; packet: AnyPacket; queuedAt: number }

/** Retention's view of the queues (issue 14): see BrokerEngine.countQueuedBefore. */
export interface QueuePurge {
  /** Messages queued before `cutoff` and not sent yet, of the clients `skip` does not name. */
  countQueuedBefore(cutoff: number, skip: (clientId: string) => boolean): number;
  /** Removes up to `limit` of them; returns them with their clients. */
  purgeQueuedBefore(cutoff: number, limit: number, skip: (clientId: string) => boolean): Array<{ clientId: string; packet: AnyPacket }>;
}
/** What a flush must do for one queue row. */
interface OutChange { entry: OutEntry; inserted: boolean; deleted: boolean; replaced: boolean; gen: number }
interface WalEntry { clientId: string; receivedAt: number; topic: string; payload: Buffer; qos: number; retain: boolean; properties: unknown }
interface WalRow { id: number; client_id: string; received_at: number; topic: string; payload: Buffer; qos: number; retain: number; properties: string | null }

export interface SqlitePersistenceOptions extends Partial<Omit<GroupCommitOptions, 'onError'>> {
  /** A flush failed (the broker keeps running; the changes are tried again). */
  onError?: (err: Error) => void;
  /**
   * Most messages queued (and in flight) per client; beyond it the oldest is dropped and reported
   * to `onDrop` (a subscriber that stays away or stops reading cannot exhaust memory). 0: no limit.
   */
  maxQueuedPerClient?: number;
  /** A message was dropped from a client's full queue. */
  onDrop?: (clientId: string, packet: AnyPacket) => void;
  /**
   * A write-ahead entry still open after this long belongs to a PUBLISH aedes dropped (its
   * connection closed before the PUBACK could be written): it is deleted (ms).
   */
  orphanAfterMs?: number;
  /**
   * Issue 14 (start-up < 1 s at 100,000 stored sessions): `setup` returns once the schema and the
   * retained messages are loaded, and the subscriptions, queues, incoming QoS 2 packets and wills
   * load after it, in slices that leave the event loop free between them. Every MQTT call made
   * meanwhile waits until they are loaded (and restored, `restoreWith`), so a client that connects
   * at once still gets its session, subscriptions and queued messages, a little later. Default
   * false: `setup` resolves once everything is loaded.
   */
  loadInBackground?: boolean;
  /** Rows read per slice of the start-up load (default 5,000: a few tens of ms each). */
  loadSliceRows?: number;
}

/** The engine's side of "acknowledged means durable" (DESIGN §8). */
export interface WriteAhead {
  /** Calls `done` once a client's QoS>0 PUBLISH may be acknowledged (it is on disk, or need not be). */
  beforeAck(clientId: string, packet: AnyPacket, done: (err: Error | null) => void): void;
  /** Publishes the messages acknowledged before a crash but never queued; returns how many. */
  replay(publish: (packet: AnyPacket) => Promise<void>): Promise<number>;
  /** The queues as loaded at setup (for the backlog counter). */
  queuedByClient(): Map<string, AnyPacket[]>;
  /** Client ids with stored subscriptions, queued messages or incoming QoS 2 packets. */
  sessionIds(): Set<string>;
  /** Remembers who publishes a retained message (aedes does not tell the persistence; the Retained screen shows it). */
  notePublisher?(packet: AnyPacket, clientId: string, username: string | null): void;
  /**
   * Drops a session's subscriptions, queue and incoming QoS 2 packets (its will stays, for aedes'
   * will sweep to publish): for sessions that ended while the broker was down.
   */
  dropSession(clientId: string): Promise<void>;
  /**
   * What runs once the stored state is in memory and before any MQTT call is served (the engine
   * drops sessions that ended while it was down and counts restored queues). Set before `setup`.
   */
  restoreWith(restore: () => Promise<void> | void): void;
  /** Resolves once the stored state is loaded and restored; rejects when it could not be loaded. */
  ready(): Promise<void>;
  /** Whether `setup` returns before the stored state is loaded (`loadInBackground`). */
  readonly loadsInBackground: boolean;
  /** Writes everything pending and stops. */
  destroy(): Promise<void>;
}

/** A queued PUBLISH not given a packet identifier yet (not sent). */
const notSent = (e: OutEntry): boolean => e.packet.messageId === undefined && (e.packet.cmd ?? 'publish') === 'publish';
const key = (a: string, b: string | number) => `${a}\u0000${b}`;
const bool = (v: number | null): boolean | undefined => (v === null ? undefined : v === 1);
const int = (v: boolean | undefined): number | null => (v === undefined || v === null ? null : v ? 1 : 0);

function* multiIterables<T>(iterables: Iterable<T>[]): Generator<T> {
  for (const it of iterables) yield* it;
}

export class SqlitePersistence implements WriteAhead, QueuePurge {
  private brokerRef: BrokerLike | null = null;
  private destroyed = false;
  private commit!: GroupCommit;
  private readonly options: Required<Omit<SqlitePersistenceOptions, 'onError' | 'onDrop' | 'onCommit'>> & { onError: (err: Error) => void; onCommit?: (seconds: number) => void };
  /** Set by the engine (it counts drops per session); also accepted as an option. */
  onDrop: ((clientId: string, packet: AnyPacket) => void) | null = null;

  // In-memory state (what reads are served from), as in aedes-persistence's memory persistence.
  private readonly retained = new RetainedIndex<AnyPacket>();
  /** Topics of retained messages that expire, and the earliest expiry among them. */
  private readonly expiringRetained = new Set<string>();
  private nextRetainedExpiry = Infinity;
  /** Retained PUBLISH payload → who published it (set by the engine, read by storeRetained). */
  private readonly publishers = new WeakMap<object, { clientId: string; username: string | null }>();
  /** The console's view of the retained messages (issue 14). */
  readonly retainedMessages: RetainedMessages = new IndexedRetainedMessages(this.retained, (topics) => this.removeRetained(topics), () => this.purgeExpiredRetained());
  private readonly subscriptions = new Map<string, Map<string, SubRecord>>();
  private clientsCount = 0;
  private readonly trie = new QlobberSub(QLOBBER_OPTIONS);
  private readonly outgoing = new Map<string, OutEntry[]>();
  private readonly incoming = new Map<string, Map<number, AnyPacket>>();
  private readonly wills = new Map<string, AnyPacket>();
  private nextSeq = 1;

  // Changes not yet written: the latest state per row.
  private readonly pRetained = new Map<string, { entry: RetainedEntry<AnyPacket> | null; gen: number }>();
  private readonly pSubs = new Map<string, { clientId: string; topic: string; rec: SubRecord | null }>();
  private readonly pOut = new Map<number, OutChange>();
  private readonly pIncoming = new Map<string, { clientId: string; messageId: number; packet: AnyPacket | null }>();
  private readonly pWills = new Map<string, AnyPacket | null>();
  /** Write-ahead inserts (urgent) and deletes (write-behind, with their stamp). */
  private readonly pWal = new Map<number, WalEntry | { deleted: true; gen: number }>();

  // Write-ahead bookkeeping.
  private nextWalId = 1;
  /** PUBLISH payload → its write-ahead entry; the enqueue of that message deletes the entry. */
  private readonly walByPayload = new WeakMap<object, number>();
  /** Entries not yet deleted: when they were made and their topic (insertion order = age order). */
  private readonly walOpen = new Map<number, { at: number; topic: string; clientId: string }>();
  /** Per client: write-ahead entries not yet on disk (later PUBLISHes of that client wait for them). */
  private readonly walUnflushed = new Map<string, number>();
  private walLeftover: WalRow[] = [];
  private sweepTimer: NodeJS.Timeout | null = null;
  /** topic → whether a persistent QoS>0 subscription matches it (cleared when subscriptions change). */
  private readonly durableTopics = new Map<string, boolean>();
  private loadedQueues = new Map<string, AnyPacket[]>();

  private stmts!: ReturnType<SqlitePersistence['prepare']>;

  // Start-up (issue 14): MQTT calls wait for `gate` until the stored state is loaded and restored.
  private open = false;
  private gate: Promise<void> = Promise.resolve();
  private restoreHook: (() => Promise<void> | void) | null = null;
  /** How long loading the stored state took (ms), once it is loaded. */
  loadMs: number | null = null;

  constructor(private readonly db: Database.Database, opts: SqlitePersistenceOptions = {}) {
    this.options = {
      delayMs: opts.delayMs ?? 50,
      syncDelayMs: opts.syncDelayMs ?? 0,
      maxPending: opts.maxPending ?? 20_000,
      sync: opts.sync ?? 'full',
      orphanAfterMs: opts.orphanAfterMs ?? 5 * 60_000,
      loadInBackground: opts.loadInBackground ?? false,
      loadSliceRows: opts.loadSliceRows ?? 5000,
      maxQueuedPerClient: opts.maxQueuedPerClient ?? DEFAULT_MAX_QUEUED_PER_CLIENT,
      onError: opts.onError ?? (() => {}),
      onCommit: opts.onCommit,
    };
    this.onDrop = opts.onDrop ?? null;
  }

  /** The aedes broker (abstract tests read its id). */
  get broker(): BrokerLike {
    if (!this.brokerRef) throw new Error('setup() has not been called');
    return this.brokerRef;
  }

  /** Flushes, changes recorded and rows written so far (tests, benchmark). */
  get commitStats(): { flushes: number; changes: number; failures: number; rows: number } {
    return { ...this.commit.stats, rows: this.rowsWritten };
  }

  private rowsWritten = 0;

  async setup(broker: BrokerLike): Promise<void> {
    this.brokerRef = broker;
    this.db.exec(schema);
    // Issue 14: the time a message was queued (a column added to tables made before it; NULL: unknown).
    if (!(this.db.prepare('PRAGMA table_info(mqtt_outgoing)').all() as Array<{ name: string }>).some((c) => c.name === 'queued_at'))
      this.db.exec('ALTER TABLE mqtt_outgoing ADD COLUMN queued_at INTEGER');
    const v = this.db.prepare('SELECT max(version) AS v FROM mqtt_schema').get() as { v: number | null };
    if (v.v === null) this.db.prepare('INSERT INTO mqtt_schema (version) VALUES (?)').run(SCHEMA_VERSION);
    else if (v.v > SCHEMA_VERSION) throw new Error(`the MQTT tables have schema version ${v.v}, newer than this mqdash (${SCHEMA_VERSION})`);
    this.stmts = this.prepare();
    this.commit = new GroupCommit(this.db, { write: (cut) => this.write(cut), committed: (cut) => this.committed(cut), failed: () => this.flushFailed() }, this.options);
    // The console's retained view and the write-ahead numbering are served at once: loaded now.
    this.loadRetained();
    this.loadWriteAhead();
    const started = performance.now();
    this.gate = this.loadSessionState().then(async () => {
      this.loadMs = performance.now() - started;
      if (this.destroyed) return;
      await this.restoreHook?.();
      this.open = true;
    });
    // Failures reach every caller through `gate` (and `ready()`); not an unhandled rejection here.
    this.gate.catch(() => {});
    this.sweepTimer = setInterval(() => this.sweepOrphans(), Math.max(1000, Math.min(60_000, this.options.orphanAfterMs)));
    this.sweepTimer.unref();
    if (!this.options.loadInBackground) await this.gate;
  }

  restoreWith(restore: () => Promise<void> | void): void {
    if (this.brokerRef) throw new Error('restoreWith() must be called before setup()');
    this.restoreHook = restore;
  }

  ready(): Promise<void> {
    return this.gate;
  }

  get loadsInBackground(): boolean {
    return this.options.loadInBackground;
  }

  /** Whether the stored state is loaded and restored (MQTT calls are served without waiting). */
  get isOpen(): boolean {
    return this.open;
  }

  /** A stream that is `make()`'s once the gate opens (for aedes' stream-returning calls made during start-up). */
  private afterGate<T>(make: () => Readable): Readable {
    const gate = this.gate;
    return Readable.from((async function* () {
      await gate;
      for await (const x of make()) yield x as T;
    })());
  }

  private prepare() {
    const p = (sql: string) => this.db.prepare(sql);
    return {
      upsertRetained: p('INSERT OR REPLACE INTO mqtt_retained (topic, payload, meta) VALUES (?, ?, ?)'),
      deleteRetained: p('DELETE FROM mqtt_retained WHERE topic = ?'),
      upsertSub: p('INSERT OR REPLACE INTO mqtt_subscriptions (client_id, topic, qos, rh, rap, nl, subscription_identifier) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      deleteSub: p('DELETE FROM mqtt_subscriptions WHERE client_id = ? AND topic = ?'),
      insertOut: p('INSERT INTO mqtt_outgoing (seq, client_id, topic, payload, message_id, meta, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      replaceOut: p('UPDATE mqtt_outgoing SET topic = ?, payload = ?, message_id = ?, meta = ? WHERE seq = ?'),
      updateOutId: p('UPDATE mqtt_outgoing SET message_id = ? WHERE seq = ?'),
      deleteOut: p('DELETE FROM mqtt_outgoing WHERE seq = ?'),
      upsertIncoming: p('INSERT OR REPLACE INTO mqtt_incoming (client_id, message_id, topic, payload, meta) VALUES (?, ?, ?, ?, ?)'),
      deleteIncoming: p('DELETE FROM mqtt_incoming WHERE client_id = ? AND message_id = ?'),
      upsertWill: p('INSERT OR REPLACE INTO mqtt_wills (client_id, topic, payload, meta) VALUES (?, ?, ?, ?)'),
      deleteWill: p('DELETE FROM mqtt_wills WHERE client_id = ?'),
      insertWal: p('INSERT INTO mqtt_write_ahead (id, client_id, received_at, topic, payload, qos, retain, properties) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      deleteWal: p('DELETE FROM mqtt_write_ahead WHERE id = ?'),
    };
  }

  /** Reads the retained messages into memory. */
  private loadRetained(): void {
    const loaded: Array<RetainedEntry<AnyPacket>> = [];
    const now = Date.now();
    for (const r of this.db.prepare('SELECT topic, payload, meta FROM mqtt_retained').iterate() as Iterable<PacketRow & { topic: string }>) {
      const packet = decodePacket(r);
      // The facts kept beside the packet go back to the entry; aedes gets the packet as it stored it.
      const storedAt = packet[RETAINED_AT];
      const by = packet[RETAINED_BY];
      const byUser = packet[RETAINED_BY_USER];
      // (`delete` only when present: it turns the object into a slow dictionary.)
      if (storedAt !== undefined) delete packet[RETAINED_AT];
      if (by !== undefined) delete packet[RETAINED_BY];
      if (byUser !== undefined) delete packet[RETAINED_BY_USER];
      // Rows written before issue 14 have no time: they count from this start.
      loaded.push(this.retainedEntry(r.topic, packet, typeof storedAt === 'number' ? storedAt : now,
        typeof by === 'string' ? { clientId: by, username: typeof byUser === 'string' ? byUser : null } : undefined));
    }
    this.retained.load(loaded);
  }

  /** Reads the write-ahead entries left by the previous run (normally none; replayed by `replay`). */
  private loadWriteAhead(): void {
    this.walLeftover = this.db.prepare('SELECT * FROM mqtt_write_ahead ORDER BY id').all() as WalRow[];
    const last = this.walLeftover.at(-1);
    if (last) this.nextWalId = last.id + 1;
  }

  /**
   * Reads `sql`'s rows slice by slice (`loadSliceRows` each, by key order, `after` giving the key
   * to start after), leaving the event loop free between slices. Nothing else writes these tables
   * meanwhile: every MQTT call waits for the gate.
   */
  private async *slices<R>(first: string, next: string, after: (row: R) => unknown[]): AsyncGenerator<R[]> {
    if (this.destroyed) return;
    const limit = this.options.loadSliceRows;
    let rows = this.db.prepare(first).all(limit) as R[];
    for (;;) {
      yield rows;
      if (rows.length < limit || this.destroyed) return;
      await new Promise((resolve) => setImmediate(resolve));
      if (this.destroyed) return;
      rows = this.db.prepare(next).all(...after(rows.at(-1)!), limit) as R[];
    }
  }

  /** Reads the subscriptions, queues, incoming QoS 2 packets and wills into memory. */
  private async loadSessionState(): Promise<void> {
    // Not a row before the caller's own start-up work is done (the broker listens first).
    await new Promise((resolve) => setImmediate(resolve));
    type SubRow = { client_id: string; topic: string; qos: number; rh: number | null; rap: number | null; nl: number | null; subscription_identifier: number | null };
    const subCols = 'SELECT client_id, topic, qos, rh, rap, nl, subscription_identifier FROM mqtt_subscriptions';
    for await (const rows of this.slices<SubRow>(`${subCols} ORDER BY client_id, topic LIMIT ?`,
      `${subCols} WHERE (client_id, topic) > (?, ?) ORDER BY client_id, topic LIMIT ?`, (r) => [r.client_id, r.topic])) {
      for (const r of rows) {
        const rec: SubRecord = { qos: r.qos, rh: r.rh ?? undefined, rap: bool(r.rap), nl: bool(r.nl) };
        if (r.subscription_identifier !== null) rec.subscriptionIdentifier = r.subscription_identifier;
        let stored = this.subscriptions.get(r.client_id);
        if (!stored) {
          this.subscriptions.set(r.client_id, (stored = new Map()));
          this.clientsCount++;
        }
        stored.set(r.topic, rec);
        if (rec.qos > 0) this.trie.add(r.topic, { clientId: r.client_id, topic: r.topic, qos: rec.qos, rh: rec.rh, rap: rec.rap, nl: rec.nl });
      }
    }
    type OutRow = PacketRow & { seq: number; client_id: string; message_id: number | null; queued_at: number | null };
    const outCols = 'SELECT seq, client_id, topic, payload, message_id, meta, queued_at FROM mqtt_outgoing';
    const loadedAt = Date.now();
    for await (const rows of this.slices<OutRow>(`${outCols} ORDER BY seq LIMIT ?`, `${outCols} WHERE seq > ? ORDER BY seq LIMIT ?`, (r) => [r.seq])) {
      for (const r of rows) {
        const packet = decodePacket(r);
        if (r.message_id !== null || (packet.qos ?? 0) > 0 || packet.cmd !== 'publish') packet.messageId = r.message_id ?? undefined;
        let q = this.outgoing.get(r.client_id);
        if (!q) this.outgoing.set(r.client_id, (q = []));
        q.push({ seq: r.seq, clientId: r.client_id, packet, queuedAt: r.queued_at ?? loadedAt });
        this.nextSeq = r.seq + 1;
      }
    }
    this.loadedQueues = new Map([...this.outgoing].map(([id, q]) => [id, q.map((e) => e.packet)]));
    type InRow = PacketRow & { rowid: number; client_id: string; message_id: number };
    const inCols = 'SELECT rowid, client_id, message_id, topic, payload, meta FROM mqtt_incoming';
    for await (const rows of this.slices<InRow>(`${inCols} ORDER BY rowid LIMIT ?`, `${inCols} WHERE rowid > ? ORDER BY rowid LIMIT ?`, (r) => [r.rowid])) {
      for (const r of rows) {
        let m = this.incoming.get(r.client_id);
        if (!m) this.incoming.set(r.client_id, (m = new Map()));
        m.set(r.message_id, decodePacket(r));
      }
    }
    type WillRow = PacketRow & { rowid: number; client_id: string };
    const willCols = 'SELECT rowid, client_id, topic, payload, meta FROM mqtt_wills';
    for await (const rows of this.slices<WillRow>(`${willCols} ORDER BY rowid LIMIT ?`, `${willCols} WHERE rowid > ? ORDER BY rowid LIMIT ?`, (r) => [r.rowid])) {
      for (const r of rows) this.wills.set(r.client_id, decodePacket(r));
    }
  }

  /**
   * Runs inside the flush transaction: the latest state of every row with an urgent change, and
   * of the rows with write-behind changes stamped at most `cut`.
   */
  private write(cut: number): void {
    const s = this.stmts;
    let rows = 0;
    for (const [topic, { entry: e, gen }] of this.pRetained) {
      if (gen > cut) continue;
      if (e) {
        // Kept in the row's meta beside the packet: when it was stored and by whom.
        const meta: AnyPacket = { ...e.packet, [RETAINED_AT]: e.storedAt };
        if (e.publisherClientName !== undefined) meta[RETAINED_BY] = e.publisherClientName;
        if (e.publisherUsername !== undefined) meta[RETAINED_BY_USER] = e.publisherUsername;
        const r = encodePacket(meta);
        s.upsertRetained.run(topic, r.payload, r.meta);
      } else s.deleteRetained.run(topic);
      rows++;
    }
    for (const c of this.pSubs.values()) {
      if (c.rec) s.upsertSub.run(c.clientId, c.topic, c.rec.qos, c.rec.rh ?? null, int(c.rec.rap), int(c.rec.nl), c.rec.subscriptionIdentifier ?? null);
      else s.deleteSub.run(c.clientId, c.topic);
      rows++;
    }
    for (const c of this.pOut.values()) {
      if (c.gen > cut) continue;
      const { seq, clientId, packet } = c.entry;
      if (c.deleted) {
        // Queued and acknowledged between two flushes: never written.
        if (!c.inserted) {
          s.deleteOut.run(seq);
          rows++;
        }
        continue;
      }
      if (c.inserted || c.replaced) {
        const r = encodePacket(packet, 'messageId');
        if (c.inserted) s.insertOut.run(seq, clientId, r.topic, r.payload, packet.messageId ?? null, r.meta, c.entry.queuedAt);
        else s.replaceOut.run(r.topic, r.payload, packet.messageId ?? null, r.meta, seq);
      } else s.updateOutId.run(packet.messageId ?? null, seq);
      rows++;
    }
    for (const c of this.pIncoming.values()) {
      if (c.packet) {
        const r = encodePacket(c.packet);
        s.upsertIncoming.run(c.clientId, c.messageId, r.topic, r.payload, r.meta);
      } else s.deleteIncoming.run(c.clientId, c.messageId);
      rows++;
    }
    for (const [clientId, p] of this.pWills) {
      if (p) {
        const r = encodePacket(p);
        s.upsertWill.run(clientId, r.topic, r.payload, r.meta);
      } else s.deleteWill.run(clientId);
      rows++;
    }
    for (const [id, w] of this.pWal) {
      if ('deleted' in w) {
        if (w.gen > cut) continue;
        s.deleteWal.run(id);
      } else s.insertWal.run(id, w.clientId, w.receivedAt, w.topic, w.payload, w.qos, w.retain ? 1 : 0, toJson(w.properties));
      rows++;
    }
    this.rowsWritten += rows;
  }

  private walFlushed(clientId: string): void {
    const left = (this.walUnflushed.get(clientId) ?? 1) - 1;
    if (left > 0) this.walUnflushed.set(clientId, left);
    else this.walUnflushed.delete(clientId);
  }

  /** Forgets what `write(cut)` wrote; returns how many changes are still pending. */
  private committed(cut: number): number {
    for (const [topic, c] of this.pRetained) if (c.gen <= cut) this.pRetained.delete(topic);
    for (const [seq, c] of this.pOut) if (c.gen <= cut) this.pOut.delete(seq);
    for (const [id, w] of this.pWal) {
      if ('deleted' in w) {
        if (w.gen <= cut) this.pWal.delete(id);
      } else {
        this.walFlushed(w.clientId);
        this.pWal.delete(id);
      }
    }
    this.pSubs.clear();
    this.pIncoming.clear();
    this.pWills.clear();
    return this.pRetained.size + this.pOut.size + this.pWal.size;
  }

  /** Resolves once the urgent changes recorded so far (with `all`: every change) are on disk. */
  private durable(all = false): Promise<void> {
    return new Promise((resolve, reject) => this.commit.whenDurable((err) => (err ? reject(err) : resolve()), all));
  }

  /** Writes everything pending now; resolves when it is on disk. */
  flush(): Promise<void> {
    const p = this.durable(true);
    this.commit.flush(true);
    return p;
  }

  // ---- retained -------------------------------------------------------------------------------

  /** Retained messages held (read by the engine's retainedMessages for the metrics). */
  get retainedCount(): number {
    return this.retained.size;
  }

  async storeRetained(pkt: AnyPacket): Promise<void> {
    const packet = { ...pkt };
    const topic = packet.topic as string;
    const gen = this.pRetained.get(topic)?.gen ?? this.commit.stamp();
    if ((packet.payload?.length ?? 0) === 0) {
      this.retained.delete(topic);
      this.expiringRetained.delete(topic);
      this.pRetained.set(topic, { entry: null, gen });
    } else {
      // When it was stored and by whom: the Retained screen, EMQX's publish_at / from_clientid.
      const by = typeof pkt.payload === 'object' && pkt.payload !== null ? this.publishers.get(pkt.payload) : undefined;
      const entry = this.retainedEntry(topic, packet, Date.now(), by);
      this.retained.set(entry);
      this.pRetained.set(topic, { entry, gen });
    }
    this.commit.changed();
  }

  notePublisher(packet: AnyPacket, clientId: string, username: string | null): void {
    if (typeof packet.payload === 'object' && packet.payload !== null) this.publishers.set(packet.payload, { clientId, username });
  }

  private retainedEntry(topic: string, packet: AnyPacket, storedAt: number, by?: { clientId: string; username: string | null }): RetainedEntry<AnyPacket> {
    const entry: RetainedEntry<AnyPacket> = { topic, packet, storedAt };
    if (by) {
      entry.publisherClientName = by.clientId;
      if (by.username !== null) entry.publisherUsername = by.username;
    }
    if (typeof packet.messageExpiry === 'number') {
      entry.expiresAt = packet.messageExpiry;
      this.expiringRetained.add(topic);
      if (entry.expiresAt < this.nextRetainedExpiry) this.nextRetainedExpiry = entry.expiresAt;
    } else this.expiringRetained.delete(topic);
    return entry;
  }

  /**
   * Removes retained messages (the console's delete): gone from memory at once, so the engine no
   * longer hands them to new subscribers, and from the database before the promise resolves.
   */
  private async removeRetained(topics: string[]): Promise<number> {
    const gone = topics.filter((t) => this.retained.has(t));
    if (gone.length === 0) return 0;
    const gen = this.commit.stamp();
    for (const topic of gone) {
      this.expiringRetained.delete(topic);
      this.pRetained.set(topic, { entry: null, gen: this.pRetained.get(topic)?.gen ?? gen });
    }
    const n = this.retained.deleteMany(gone);
    this.commit.changed(n);
    await this.flush();
    return n;
  }

  /** [MQTT-3.3.2-5] An expired retained message is gone: purged before the console reads (cheap until one is due). */
  private purgeExpiredRetained(): void {
    const now = Date.now();
    if (now < this.nextRetainedExpiry) return;
    let next = Infinity;
    for (const topic of [...this.expiringRetained]) {
      const at = this.retained.get(topic)?.expiresAt;
      if (at === undefined) this.expiringRetained.delete(topic);
      else if (at <= now) void this.storeRetained({ topic, payload: Buffer.alloc(0) });
      else if (at < next) next = at;
    }
    this.nextRetainedExpiry = next;
  }

  /** A SUBSCRIBE's retained messages: the sorted index narrows the scan to the filter's literal prefix. */
  private *retainedByPattern(pattern: string): Generator<AnyPacket> {
    for (const e of this.retained.matching(pattern)) yield e.packet;
  }

  createRetainedStreamCombi(patterns: string[]): Readable {
    return Readable.from(multiIterables(patterns.map((p) => this.retainedByPattern(p))));
  }

  createRetainedStream(pattern: string): Readable {
    return Readable.from(this.retainedByPattern(pattern));
  }

  // ---- subscriptions --------------------------------------------------------------------------

  private subChanged(clientId: string, topic: string, rec: SubRecord | null): void {
    this.pSubs.set(key(clientId, topic), { clientId, topic, rec });
    this.commit.changed();
  }

  private trieChanged(): void {
    this.durableTopics.clear();
  }

  async addSubscriptions(client: Client, subs: SubscriptionIn[]): Promise<void> {
    if (!this.open) await this.gate;
    let stored = this.subscriptions.get(client.id);
    if (!stored) {
      this.subscriptions.set(client.id, (stored = new Map()));
      this.clientsCount++;
    }
    for (const sub of subs) {
      const storedSub = stored.get(sub.topic);
      const rec: SubRecord = { qos: sub.qos, rh: sub.rh, rap: sub.rap, nl: sub.nl };
      // MQTT 5 Subscription Identifier: kept only when present (as the reference implementation does).
      if (sub.subscriptionIdentifier !== undefined) rec.subscriptionIdentifier = sub.subscriptionIdentifier;
      if (sub.qos > 0) {
        this.trie.add(sub.topic, { clientId: client.id, topic: sub.topic, qos: sub.qos, rh: sub.rh, rap: sub.rap, nl: sub.nl });
        this.trieChanged();
      } else if (storedSub && storedSub.qos > 0) {
        this.trie.remove(sub.topic, { clientId: client.id, topic: sub.topic });
        this.trieChanged();
      }
      stored.set(sub.topic, rec);
      this.subChanged(client.id, sub.topic, rec);
    }
    await this.durable();
  }

  async removeSubscriptions(client: Client, topics: string[]): Promise<void> {
    if (!this.open) await this.gate;
    const stored = this.subscriptions.get(client.id);
    if (stored) {
      for (const topic of topics) {
        const storedSub = stored.get(topic);
        if (storedSub === undefined) continue;
        if (storedSub.qos > 0) {
          this.trie.remove(topic, { clientId: client.id, topic });
          this.trieChanged();
        }
        stored.delete(topic);
        this.subChanged(client.id, topic, null);
      }
      if (stored.size === 0) {
        this.clientsCount--;
        this.subscriptions.delete(client.id);
      }
    }
    await this.durable();
  }

  async subscriptionsByClient(client: Client): Promise<Array<SubRecord & { topic: string }>> {
    if (!this.open) await this.gate;
    const subs: Array<SubRecord & { topic: string }> = [];
    const stored = this.subscriptions.get(client.id);
    if (stored) for (const [topic, rec] of stored) subs.push({ topic, ...rec });
    return subs;
  }

  async countOffline(): Promise<{ subsCount: number; clientsCount: number }> {
    if (!this.open) await this.gate;
    return { subsCount: this.trie.subscriptionsCount, clientsCount: this.clientsCount };
  }

  async subscriptionsByTopic(topic: string): Promise<ReturnType<QlobberSub['match']>> {
    if (!this.open) await this.gate;
    return this.trie.match(topic);
  }

  async cleanSubscriptions(client: Client): Promise<void> {
    if (!this.open) await this.gate;
    return this.cleanSubs(client);
  }

  private async cleanSubs(client: Client): Promise<void> {
    const stored = this.subscriptions.get(client.id);
    if (stored) {
      for (const [topic, rec] of stored) {
        if (rec.qos > 0) {
          this.trie.remove(topic, { clientId: client.id, topic });
          this.trieChanged();
        }
        this.subChanged(client.id, topic, null);
      }
      this.clientsCount--;
      this.subscriptions.delete(client.id);
      await this.durable();
    }
  }

  /** Whether a persistent session's QoS>0 subscription matches the topic (cached per topic). */
  private hasDurableSubscribers(topic: string): boolean {
    let has = this.durableTopics.get(topic);
    if (has === undefined) {
      has = this.trie.match(topic).length > 0;
      if (this.durableTopics.size >= 10_000) this.durableTopics.clear();
      this.durableTopics.set(topic, has);
    }
    return has;
  }

  // ---- outgoing queues ------------------------------------------------------------------------

  private enqueueOne(clientId: string, packet: AnyPacket, gen: number, queuedAt: number): void {
    let q = this.outgoing.get(clientId);
    if (!q) this.outgoing.set(clientId, (q = []));
    const entry: OutEntry = { seq: this.nextSeq++, clientId, packet: queuedCopy(packet), queuedAt };
    q.push(entry);
    this.pOut.set(entry.seq, { entry, inserted: true, deleted: false, replaced: false, gen });
    // Full: the oldest goes (one comparison on the hot path; a shift only once a queue overflows).
    const max = this.options.maxQueuedPerClient;
    if (max > 0 && q.length > max) {
      const dropped = q.shift()!;
      this.outChanged(dropped, 'delete');
      this.onDrop?.(clientId, dropped.packet);
    }
  }

  /**
   * The write-ahead entry of this message (if any) is deleted with its queue rows: same stamp, so
   * the same transaction.
   */
  private enqueued(packet: AnyPacket, n: number, gen: number): void {
    const payload = packet.payload;
    const walId = typeof payload === 'object' && payload !== null ? this.walByPayload.get(payload) : undefined;
    if (walId !== undefined && this.walOpen.get(walId)?.topic === packet.topic) {
      this.walByPayload.delete(payload as object);
      this.walDone(walId, gen);
    }
    if (n > 0) this.commit.changed(n);
  }

  async outgoingEnqueue(sub: Subscriber, packet: AnyPacket): Promise<void> {
    if (!this.open) await this.gate;
    const gen = this.commit.stamp();
    this.enqueueOne(sub.clientId, packet, gen, Date.now());
    this.enqueued(packet, 1, gen);
  }

  async outgoingEnqueueCombi(subs: Subscriber[], packet: AnyPacket): Promise<void> {
    if (!this.open) await this.gate;
    const gen = this.commit.stamp();
    const now = Date.now();
    for (let i = 0; i < subs.length; i++) this.enqueueOne(subs[i]!.clientId, packet, gen, now);
    this.enqueued(packet, subs.length, gen);
  }

  private outChanged(entry: OutEntry, change: 'update' | 'replace' | 'delete'): void {
    let c = this.pOut.get(entry.seq);
    if (!c) this.pOut.set(entry.seq, (c = { entry, inserted: false, deleted: false, replaced: false, gen: this.commit.stamp() }));
    if (change === 'delete') c.deleted = true;
    else if (change === 'replace') c.replaced = true;
    this.commit.changed();
  }

  async outgoingUpdate(client: Client, packet: AnyPacket): Promise<void> {
    if (!this.open) await this.gate;
    const q = this.outgoing.get(client.id) ?? [];
    for (let i = 0; i < q.length; i++) {
      const entry = q[i]!;
      const temp = entry.packet;
      // A PUBREL has no brokerId: matched by packet identifier only. (aedes-persistence compares
      // brokerIds first, so a second PUBREL "matches" the first one, undefined === undefined, and
      // takes its identifier: with two QoS 2 messages in flight one queue entry is never cleared.)
      if (packet.brokerId !== undefined && temp.brokerId === packet.brokerId) {
        if (temp.brokerCounter === packet.brokerCounter) {
          temp.messageId = packet.messageId;
          this.outChanged(entry, 'update');
          // QoS 2: the message id must be on disk before the PUBLISH goes out (exactly once across a crash).
          if ((temp.qos ?? 0) > 1) await this.durable(true);
          return;
        }
        // messageIds rotate at 65535; brokerCounter tells same-id packets apart: keep looking.
      } else if (temp.messageId === packet.messageId) {
        entry.packet = packet;
        this.outChanged(entry, 'replace');
        // PUBREL (QoS 2): on disk before it is sent.
        await this.durable(true);
        return;
      }
    }
    throw new Error('no such packet');
  }

  async outgoingClearMessageId(client: Client, packet: AnyPacket): Promise<AnyPacket | undefined> {
    if (!this.open) await this.gate;
    const q = this.outgoing.get(client.id);
    if (!q) return undefined;
    for (let i = 0; i < q.length; i++) {
      const entry = q[i]!;
      if (entry.packet.messageId === packet.messageId) {
        q.splice(i, 1);
        if (q.length === 0) this.outgoing.delete(client.id);
        this.outChanged(entry, 'delete');
        return entry.packet;
      }
    }
    return undefined;
  }

  countQueuedBefore(cutoff: number, skip: (clientId: string) => boolean): number {
    if (!this.open) return 0;
    let n = 0;
    for (const [clientId, q] of this.outgoing) {
      if (skip(clientId)) continue;
      for (let i = 0; i < q.length && q[i]!.queuedAt < cutoff; i++) if (notSent(q[i]!)) n++;
    }
    return n;
  }

  purgeQueuedBefore(cutoff: number, limit: number, skip: (clientId: string) => boolean): Array<{ clientId: string; packet: AnyPacket }> {
    const removed: Array<{ clientId: string; packet: AnyPacket }> = [];
    if (!this.open) return removed;
    for (const [clientId, q] of this.outgoing) {
      if (removed.length >= limit) break;
      if (skip(clientId) || q.length === 0 || q[0]!.queuedAt >= cutoff) continue;
      // The queue is in arrival order: the old ones lead it (in flight ones among them stay).
      const kept: OutEntry[] = [];
      let i = 0;
      for (; i < q.length && q[i]!.queuedAt < cutoff && removed.length < limit; i++) {
        const entry = q[i]!;
        if (notSent(entry)) {
          this.outChanged(entry, 'delete');
          removed.push({ clientId, packet: entry.packet });
        } else kept.push(entry);
      }
      q.splice(0, i, ...kept);
      if (q.length === 0) this.outgoing.delete(clientId);
    }
    return removed;
  }

  outgoingStream(client: Client): Readable {
    if (!this.open) return this.afterGate(() => this.outgoingStream(client));
    // A copy, so the stream is not disturbed by clears while it is read.
    return Readable.from((this.outgoing.get(client.id) ?? []).map((e) => e.packet));
  }

  // ---- incoming QoS 2 -------------------------------------------------------------------------

  async incomingStorePacket(client: Client, packet: AnyPacket): Promise<void> {
    if (!this.open) await this.gate;
    let m = this.incoming.get(client.id);
    if (!m) this.incoming.set(client.id, (m = new Map()));
    const copy = queuedCopy(packet);
    copy.messageId = packet.messageId;
    const messageId = packet.messageId as number;
    m.set(messageId, copy);
    this.pIncoming.set(key(client.id, messageId), { clientId: client.id, messageId, packet: copy });
    this.commit.changed();
    await this.durable();
  }

  async incomingGetPacket(client: Client, packet: AnyPacket): Promise<AnyPacket> {
    if (!this.open) await this.gate;
    const found = this.incoming.get(client.id)?.get(packet.messageId as number);
    if (!found) throw new Error('no such packet');
    return found;
  }

  async incomingDelPacket(client: Client, packet: AnyPacket): Promise<void> {
    if (!this.open) await this.gate;
    return this.incomingDel(client, packet);
  }

  private async incomingDel(client: Client, packet: AnyPacket): Promise<void> {
    const m = this.incoming.get(client.id);
    const messageId = packet.messageId as number;
    if (!m?.has(messageId)) throw new Error('no such packet');
    m.delete(messageId);
    if (m.size === 0) this.incoming.delete(client.id);
    this.pIncoming.set(key(client.id, messageId), { clientId: client.id, messageId, packet: null });
    this.commit.changed();
    await this.durable();
  }

  // ---- wills ----------------------------------------------------------------------------------

  async putWill(client: Client, packet: AnyPacket): Promise<void> {
    if (!this.open) await this.gate;
    packet.brokerId = this.broker.id;
    packet.clientId = client.id;
    this.wills.set(client.id, packet);
    this.pWills.set(client.id, packet);
    this.commit.changed();
    await this.durable();
  }

  async getWill(client: Client): Promise<AnyPacket | undefined> {
    if (!this.open) await this.gate;
    return this.wills.get(client.id);
  }

  async delWill(client: Client): Promise<AnyPacket | undefined> {
    if (!this.open) await this.gate;
    const will = this.wills.get(client.id);
    if (!will) return undefined;
    this.wills.delete(client.id);
    this.pWills.set(client.id, null);
    this.commit.changed();
    await this.durable();
    return will;
  }

  streamWill(brokers: Record<string, unknown> = {}): Readable {
    if (!this.open) return this.afterGate(() => this.streamWill(brokers));
    const wills = [...this.wills.values()].filter((w) => !brokers[w.brokerId as string]);
    return Readable.from(wills);
  }

  getClientList(topic: string): Readable {
    if (!this.open) return this.afterGate(() => this.getClientList(topic));
    const ids: string[] = [];
    for (const [clientId, topics] of this.subscriptions) if (topics.has(topic)) ids.push(clientId);
    return Readable.from(ids);
  }

  // ---- write-ahead (acknowledged means durable) -----------------------------------------------

  beforeAck(clientId: string, packet: AnyPacket, done: (err: Error | null) => void): void {
    if (!this.open) {
      this.gate.then(() => this.beforeAck(clientId, packet, done), done);
      return;
    }
    const payload = packet.payload;
    // Only what a crash could lose needs the write-ahead step: a message for persistent sessions,
    // or a retained one. Clean sessions lose their state with the broker anyway.
    const needed = (packet.retain || this.hasDurableSubscribers(packet.topic as string)) && typeof payload === 'object' && payload !== null;
    if (!needed) {
      // Keep this client's order: wait for its write-ahead entries still on their way to disk.
      if (this.walUnflushed.has(clientId)) this.commit.whenDurable(done);
      else done(null);
      return;
    }
    const id = this.nextWalId++;
    this.pWal.set(id, {
      clientId, receivedAt: Date.now(), topic: packet.topic as string, payload: payload as Buffer,
      qos: packet.qos ?? 1, retain: !!packet.retain, properties: packet.properties,
    });
    this.walByPayload.set(payload as object, id);
    this.walOpen.set(id, { at: Date.now(), topic: packet.topic as string, clientId });
    this.walUnflushed.set(clientId, (this.walUnflushed.get(clientId) ?? 0) + 1);
    this.commit.changed();
    this.commit.whenDurable(done);
  }

  private walDone(id: number, gen = this.commit.stamp()): void {
    this.walOpen.delete(id);
    const w = this.pWal.get(id);
    if (w && !('deleted' in w)) {
      // Not written yet (normally the entry is on disk before the PUBACK): never write it.
      this.pWal.delete(id);
      this.walFlushed(w.clientId);
      return;
    }
    this.pWal.set(id, { deleted: true, gen });
    this.commit.changed();
  }

  /** A flush failed: the PUBLISHes waiting for their write-ahead entries are refused, so drop them. */
  private flushFailed(): void {
    for (const [id, w] of this.pWal) {
      if ('deleted' in w) continue;
      this.pWal.delete(id);
      this.walOpen.delete(id);
      this.walFlushed(w.clientId);
    }
  }

  /** Deletes entries of PUBLISHes aedes dropped before queueing them (see `orphanAfterMs`). */
  private sweepOrphans(): void {
    const before = Date.now() - this.options.orphanAfterMs;
    for (const [id, w] of this.walOpen) {
      if (w.at > before) break;
      this.walDone(id);
    }
  }

  async replay(publish: (packet: AnyPacket) => Promise<void>): Promise<number> {
    // Closed while the stored state was loading: the entries stay for the next start.
    if (this.destroyed) return 0;
    const rows = this.walLeftover;
    this.walLeftover = [];
    let n = 0;
    for (const r of rows) {
      this.walOpen.set(r.id, { at: r.received_at, topic: r.topic, clientId: r.client_id });
      const properties = fromJson<Record<string, unknown>>(r.properties);
      const packet: AnyPacket = { cmd: 'publish', topic: r.topic, payload: r.payload, qos: r.qos, retain: r.retain === 1, dup: false, clientId: r.client_id };
      if (properties) packet.properties = properties;
      const expiry = properties?.messageExpiryInterval;
      if (typeof expiry === 'number' && expiry > 0) {
        packet.messageExpiry = r.received_at + expiry * 1000;
        // Expired while the broker was down: nothing to deliver.
        if (packet.messageExpiry <= Date.now()) {
          this.walDone(r.id);
          continue;
        }
      }
      this.walByPayload.set(r.payload, r.id);
      try {
        await publish(packet);
        n++;
      } catch (err) {
        this.options.onError(new Error(`replaying a write-ahead message to ${r.topic} failed: ${(err as Error).message}`));
      }
      // Normally deleted by its enqueue; if publishing failed it would only fail again.
      if (this.walOpen.has(r.id)) this.walDone(r.id);
    }
    await this.flush();
    return n;
  }

  queuedByClient(): Map<string, AnyPacket[]> {
    const q = this.loadedQueues;
    this.loadedQueues = new Map();
    return q;
  }

  sessionIds(): Set<string> {
    return new Set([...this.subscriptions.keys(), ...this.outgoing.keys(), ...this.incoming.keys()]);
  }

  async dropSession(clientId: string): Promise<void> {
    for (const entry of this.outgoing.get(clientId) ?? []) this.outChanged(entry, 'delete');
    this.outgoing.delete(clientId);
    for (const messageId of [...(this.incoming.get(clientId)?.keys() ?? [])]) await this.incomingDel({ id: clientId }, { messageId });
    await this.cleanSubs({ id: clientId });
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    if (this.commit) this.commit.close();
  }
}
