/**
 * `SessionStore` on PostgreSQL (node-postgres), for a cluster (DESIGN §7, issue 11): one row per
 * persistent session holding its state as JSON text (Buffers kept by the persistence's packet
 * codec; `text`, not `jsonb`, so that user properties keep their order), one row per retained topic.
 *
 * Writes are fire-and-forget as the seam asks: they are coalesced per session and per retained
 * topic and written in one transaction per batch, in order; `flush` resolves when everything
 * written before it is committed (and rejects with the error of a batch that failed). A failed
 * batch (PostgreSQL unreachable) is kept and tried again each second, later writes of the same
 * session or topic replacing its own.
 *
 * Retained messages are served from an in-memory tree (SUBSCRIBE is synchronous in the engine).
 * Every node writes its retained changes to the table and announces the topic with
 * `NOTIFY mqdash_retained`; every node LISTENs and reloads that topic's row, so each node's tree
 * converges on the table, the single truth, within the notification's delay.
 */
import pg from 'pg';
import { fromJson, toJson } from '../../persistence/packet-codec.ts';
import type { SessionState, SessionStore } from './persistence.ts';
import { MemoryRetainedStore, type RetainedStore } from './retained.ts';
import type { EngineMessage } from './types.ts';

const CHANNEL = 'mqdash_retained';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS mqdash_sessions (
  client_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS mqdash_retained (
  topic TEXT PRIMARY KEY,
  message TEXT NOT NULL,
  expires_at BIGINT
);`;

export interface PostgresSessionStoreOptions {
  /** Faults of background writes and of the retained notifications (the engine's onError, a logger). */
  onError?(error: unknown, where: string): void;
}

type Write = { sql: string; values: unknown[] };

/** The in-memory tree for SUBSCRIBE; every change written to the table and announced to the other nodes. */
class PostgresRetainedStore implements RetainedStore {
  memory = new MemoryRetainedStore();

  constructor(private readonly write: (key: string, entry: Write) => void) {}

  put(message: EngineMessage): void {
    if (message.payload.length === 0) {
      // [MQTT-3.3.1-6]
      this.write(`r:${message.topic}`, { sql: `WITH gone AS (DELETE FROM mqdash_retained WHERE topic = $1) SELECT pg_notify('${CHANNEL}', $1)`, values: [message.topic] });
    } else {
      this.write(`r:${message.topic}`, {
        sql: `WITH kept AS (INSERT INTO mqdash_retained (topic, message, expires_at) VALUES ($1, $2, $3)
              ON CONFLICT (topic) DO UPDATE SET message = excluded.message, expires_at = excluded.expires_at)
              SELECT pg_notify('${CHANNEL}', $1)`,
        values: [message.topic, toJson(message), message.expiresAt ?? null],
      });
    }
    this.memory.put(message);
  }

  match(topicFilter: string, now: number): EngineMessage[] {
    return this.memory.match(topicFilter, now);
  }

  count(): number {
    return this.memory.count();
  }

  /** Sets the tree's entry for the topic to the table's row (or clears it when there is none). */
  apply(topic: string, row: { message: string } | undefined): void {
    const message = row ? fromJson<EngineMessage>(row.message)! : { topic, payload: Buffer.alloc(0), qos: 0 as const, retain: true, properties: {} };
    this.memory.put(message);
  }

  /** Replaces the whole tree with the table's rows (at open, and after the notifications were cut). */
  replaceAll(rows: Array<{ message: string }>): void {
    const memory = new MemoryRetainedStore();
    for (const row of rows) memory.put(fromJson<EngineMessage>(row.message)!);
    this.memory = memory;
  }
}

export class PostgresSessionStore implements SessionStore {
  readonly retained: PostgresRetainedStore;
  /** Writes not yet started, by key (`s:` session, `r:` retained topic): the last one per key wins. */
  private pending = new Map<string, Write>();
  private running: Promise<void> = Promise.resolve();
  private scheduled = false;
  private failure: unknown;
  private closed = false;
  /** Reloads of notified topics, one after the other so that a later reload is applied last. */
  private reloading: Promise<void> = Promise.resolve();
  private listener?: pg.Client;
  private retryTimer?: NodeJS.Timeout;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
    private readonly options: PostgresSessionStoreOptions,
  ) {
    this.retained = new PostgresRetainedStore((key, entry) => this.write(key, entry));
  }

  /**
   * Connects, creates the schema when missing, starts listening for retained changes and loads the
   * retained messages. `database` is a connection string (the store owns the pool) or a pool.
   */
  static async open(database: string | pg.Pool, options: PostgresSessionStoreOptions = {}): Promise<PostgresSessionStore> {
    const ownsPool = typeof database === 'string';
    const pool = typeof database === 'string' ? new pg.Pool({ connectionString: database, max: 4 }) : database;
    pool.on('error', (error) => options.onError?.(error, 'postgres pool'));
    const store = new PostgresSessionStore(pool, ownsPool, options);
    try {
      await pool.query(`SELECT pg_advisory_lock(hashtext('mqdash_schema'));${SCHEMA}SELECT pg_advisory_unlock(hashtext('mqdash_schema'));`);
      await store.listen();
    } catch (error) {
      store.closed = true;
      if (ownsPool) await pool.end();
      throw error;
    }
    return store;
  }

  /**
   * Listens for retained changes, then loads every retained message: listening first, so that a
   * change made in between is applied after the load, never lost. A lost listening connection (a
   * PostgreSQL restart) is opened again, with a full reload, until the store is closed.
   */
  private async listen(): Promise<void> {
    const listener = new pg.Client(this.pool.options);
    this.listener = listener;
    listener.on('error', (error) => this.options.onError?.(error, 'postgres retained notifications'));
    listener.on('notification', (note) => {
      const topic = note.payload;
      if (note.channel === CHANNEL && topic !== undefined) this.reloading = this.reloading.then(() => this.reloadTopic(topic));
    });
    /** Once per connection, whether it ended or failed to start: try again unless closed. */
    const lost = () => {
      if (this.listener !== listener) return;
      this.listener = undefined;
      if (!this.closed) this.relisten();
    };
    listener.once('end', lost);
    try {
      await listener.connect();
      await listener.query(`LISTEN ${CHANNEL}`);
      const reload = this.reloading.then(async () => {
        const { rows } = await this.pool.query<{ message: string }>('SELECT message FROM mqdash_retained WHERE expires_at IS NULL OR expires_at > $1', [Date.now()]);
        this.retained.replaceAll(rows);
      });
      this.reloading = reload.catch(() => undefined);
      await reload;
    } catch (error) {
      lost();
      await listener.end().catch(() => undefined);
      throw error;
    }
  }

  private relisten(): void {
    setTimeout(() => {
      if (this.closed) return;
      this.listen().catch((error: unknown) => this.options.onError?.(error, 'postgres retained notifications'));
    }, 500).unref();
  }

  async loadSessions(): Promise<SessionState[]> {
    await this.flush();
    const { rows } = await this.pool.query<{ state: string }>('SELECT state FROM mqdash_sessions ORDER BY client_id');
    return rows.map((row) => fromJson<SessionState>(row.state)!);
  }

  saveSession(state: SessionState): void {
    this.write(`s:${state.clientId}`, {
      sql: 'INSERT INTO mqdash_sessions (client_id, state) VALUES ($1, $2) ON CONFLICT (client_id) DO UPDATE SET state = excluded.state, updated_at = now()',
      values: [state.clientId, toJson(state)],
    });
  }

  removeSession(clientId: string): void {
    this.write(`s:${clientId}`, { sql: 'DELETE FROM mqdash_sessions WHERE client_id = $1', values: [clientId] });
  }

  /** Resolves when every write made before the call is committed. */
  async flush(): Promise<void> {
    for (;;) {
      this.runPending();
      await this.running;
      const failure = this.failure;
      if (failure) {
        this.failure = undefined;
        throw failure; // the writes are kept and tried again
      }
      if (!this.scheduled && this.pending.size === 0) return;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      clearTimeout(this.retryTimer);
      await this.listener?.end().catch(() => undefined);
      await this.reloading;
      if (this.ownsPool) await this.pool.end();
    }
  }

  private write(key: string, entry: Write): void {
    if (this.closed) throw new Error('the PostgreSQL session store is closed');
    this.pending.delete(key); // re-inserted at the end: a key's write keeps its place after earlier ones
    this.pending.set(key, entry);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.runPending());
  }

  /** Starts the pending writes as one transaction after the batch running now. */
  private runPending(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending = new Map();
    this.running = this.running.then(() =>
      this.commit(batch.map(([, write]) => write)).then(() => {
        this.failure = undefined; // an earlier failed batch has been written since
      }, (error: unknown) => {
        this.failure ??= error;
        this.options.onError?.(error, 'postgres session store');
        this.retry(batch);
      }),
    );
  }

  /** Keeps a failed batch's writes (those not replaced since) and tries them again in a second. */
  private retry(batch: Array<[string, Write]>): void {
    const later = this.pending;
    this.pending = new Map(batch.filter(([key]) => !later.has(key)));
    for (const [key, write] of later) this.pending.set(key, write);
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed) this.runPending();
    }, 1000);
    this.retryTimer.unref();
  }

  private async commit(batch: Write[]): Promise<void> {
    const client = await this.pool.connect();
    // a checked-out client has no listener of the pool's: a connection cut between two queries
    // (PostgreSQL restarting) would be an uncaught 'error'; the failed query reports it instead
    const cut = () => undefined;
    client.on('error', cut);
    try {
      await client.query('BEGIN');
      for (const { sql, values } of batch) await client.query(sql, values);
      await client.query('COMMIT');
      client.off('error', cut);
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true); // discarded, its listener kept
      throw error;
    }
  }

  private async reloadTopic(topic: string): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ message: string }>('SELECT message FROM mqdash_retained WHERE topic = $1', [topic]);
      this.retained.apply(topic, rows[0]);
    } catch (error) {
      if (!this.closed) this.options.onError?.(error, 'postgres retained notifications');
    }
  }
}
