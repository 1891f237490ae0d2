/**
 * `SessionStore` on PostgreSQL (node-postgres), for a cluster (DESIGN §7, issue 11), with the
 * tables of the SQLite store: `mqdash_sessions` (one row per persistent session, its meta as JSON
 * text: subscriptions, QoS 2 packet identifiers, will, expiry; `text`, not `jsonb`, so that user
 * properties keep their order), `mqdash_messages` (one row per queued or in-flight message: queueing
 * writes one row, in flight updates it, the acknowledgement deletes it), `mqdash_retained` (one row
 * per retained topic).
 *
 * Writes are fire-and-forget as the seam asks: they are recorded in order and written in one
 * transaction per batch (consecutive message inserts and deletes as one statement each); a batch
 * starts once the one before it has committed, so that everything recorded meanwhile shares the next
 * commit. A message queued and completed before its batch starts is never written; a session's meta
 * is written only when it changed. `afterDurable` calls back once the batch holding the writes made
 * before it is committed in PostgreSQL (the write-ahead of PUBACK/PUBREC and of outgoing QoS 2,
 * DESIGN §8), or with the error of that batch; `flush` resolves likewise. A failed batch
 * (PostgreSQL unreachable) is kept and tried again each second, before the writes made since.
 *
 * Retained messages are served from an in-memory tree (SUBSCRIBE is synchronous in the engine).
 * Every node writes its retained changes to the table and announces the topic with
 * `NOTIFY mqdash_retained`; every node LISTENs and reloads that topic's row, so each node's tree
 * converges on the table, the single truth, within the notification's delay.
 */
import pg from 'pg';
import { fromJson, toJson } from '../../persistence/packet-codec.ts';
import { decodeOutgoing, encodeOutgoing } from './message-codec.ts';
import { PendingChanges, RecordingRetainedStore, type Change } from './pending-changes.ts';
import type { DurableCallback, InFlightState, SessionMeta, SessionState, SessionStore, StoredMessage } from './persistence.ts';
import { MemoryRetainedStore } from './retained.ts';
import type { EngineMessage } from './types.ts';

const CHANNEL = 'mqdash_retained';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS mqdash_sessions (
  client_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS mqdash_messages (
  client_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  packet_id INTEGER,
  flight TEXT,
  payload BYTEA NOT NULL,
  meta TEXT NOT NULL,
  PRIMARY KEY (client_id, seq)
);
CREATE TABLE IF NOT EXISTS mqdash_retained (
  topic TEXT PRIMARY KEY,
  message TEXT NOT NULL,
  expires_at BIGINT
);`;

const SQL = {
  meta: 'INSERT INTO mqdash_sessions (client_id, state) VALUES ($1, $2) ON CONFLICT (client_id) DO UPDATE SET state = excluded.state, updated_at = now()',
  removeSession: 'WITH gone AS (DELETE FROM mqdash_messages WHERE client_id = $1) DELETE FROM mqdash_sessions WHERE client_id = $1',
  add: `INSERT INTO mqdash_messages (client_id, seq, packet_id, flight, payload, meta)
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::bytea[], $6::text[])
        ON CONFLICT (client_id, seq) DO UPDATE SET packet_id = excluded.packet_id, flight = excluded.flight, payload = excluded.payload, meta = excluded.meta`,
  flight: 'UPDATE mqdash_messages SET packet_id = $1, flight = $2 WHERE client_id = $3 AND seq = $4',
  delete: `DELETE FROM mqdash_messages m USING unnest($1::text[], $2::bigint[]) AS d(client_id, seq)
           WHERE m.client_id = d.client_id AND m.seq = d.seq`,
  clearRetained: `WITH gone AS (DELETE FROM mqdash_retained WHERE topic = $1) SELECT pg_notify('${CHANNEL}', $1)`,
  putRetained: `WITH kept AS (INSERT INTO mqdash_retained (topic, message, expires_at) VALUES ($1, $2, $3)
                ON CONFLICT (topic) DO UPDATE SET message = excluded.message, expires_at = excluded.expires_at)
                SELECT pg_notify('${CHANNEL}', $1)`,
};

export interface PostgresSessionStoreOptions {
  /** Faults of background writes and of the retained notifications (the engine's onError, a logger). */
  onError?(error: unknown, where: string): void;
}

/** One statement of a batch and the number of rows (changes) it writes. */
type Write = { sql: string; values: unknown[]; rows: number };

/** A batch: its statements and who waits for its commit. */
interface Batch {
  writes: Write[];
  waiters: DurableCallback[];
}

/** The in-memory tree for SUBSCRIBE; every change written to the table and announced to the other nodes. */
class PostgresRetainedStore extends RecordingRetainedStore {
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

/** The statements for a batch's changes, in order; runs of inserts and of deletes become one statement each. */
type AddColumns = [string[], number[], Array<number | null>, Array<string | null>, Buffer[], string[]];

function toWrites(changes: Change[]): Write[] {
  const writes: Write[] = [];
  let adds: { values: AddColumns; write: Write } | undefined;
  let deletes: { values: [string[], number[]]; write: Write } | undefined;
  for (const change of changes) {
    if (change.kind === 'add' && change.cancelled) continue;
    if (change.kind !== 'add') adds = undefined;
    if (change.kind !== 'delete') deletes = undefined;
    switch (change.kind) {
      case 'meta':
        writes.push({ sql: SQL.meta, values: [change.clientId, change.json], rows: 1 });
        break;
      case 'remove':
        writes.push({ sql: SQL.removeSession, values: [change.clientId], rows: 1 });
        break;
      case 'add': {
        if (!adds) {
          const values: AddColumns = [[], [], [], [], [], []];
          adds = { values, write: { sql: SQL.add, values, rows: 0 } };
          writes.push(adds.write);
        }
        const { payload, meta } = encodeOutgoing(change.message.outgoing);
        const [clientIds, seqs, packetIds, flights, payloads, metas] = adds.values;
        clientIds.push(change.clientId);
        seqs.push(change.message.seq);
        packetIds.push(change.packetId);
        flights.push(change.flight);
        payloads.push(payload);
        metas.push(meta);
        adds.write.rows++;
        break;
      }
      case 'flight':
        writes.push({ sql: SQL.flight, values: [change.packetId, change.flight, change.clientId, change.seq], rows: 1 });
        break;
      case 'delete':
        if (!deletes) {
          const values: [string[], number[]] = [[], []];
          deletes = { values, write: { sql: SQL.delete, values, rows: 0 } };
          writes.push(deletes.write);
        }
        deletes.values[0].push(change.clientId);
        deletes.values[1].push(change.seq);
        deletes.write.rows++;
        break;
      case 'retained': {
        const { message } = change;
        if (message.payload.length === 0) writes.push({ sql: SQL.clearRetained, values: [message.topic], rows: 1 }); // [MQTT-3.3.1-6]
        else writes.push({ sql: SQL.putRetained, values: [message.topic, toJson(message), message.expiresAt ?? null], rows: 1 });
        break;
      }
    }
  }
  return writes;
}

export class PostgresSessionStore implements SessionStore {
  readonly retained: PostgresRetainedStore;
  /** Rows written by the commits so far (for tests and the README's figures). */
  readonly stats = { rows: 0 };
  /**
   * Changes recorded since the last batch started. A session's meta is compared with what this
   * store wrote, not with the table read at open: in a cluster another node may write it since.
   */
  private readonly pending = new PendingChanges(() => this.schedule());
  /** Callbacks waiting for the changes recorded so far. */
  private waiters: DurableCallback[] = [];
  /** Statements of failed batches, written before the changes recorded since. */
  private failed: Write[] = [];
  /** The batch being written, if any. */
  private running?: Promise<void>;
  private scheduled = false;
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
    this.retained = new PostgresRetainedStore((message) => this.recording().putRetained(message));
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
      // One node creates the schema at a time, and the lock is held until its tables are committed:
      // a session lock released inside the same (implicit) transaction let a second node starting at
      // the same moment miss the uncommitted tables and fail with "type mqdash_sessions already exists".
      const client = await pool.connect();
      try {
        await client.query(`BEGIN;SELECT pg_advisory_xact_lock(hashtext('mqdash_schema'));${SCHEMA}COMMIT;`);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
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
    const states = new Map<string, SessionState>();
    const sessions = await this.pool.query<{ client_id: string; state: string }>('SELECT client_id, state FROM mqdash_sessions ORDER BY client_id');
    for (const row of sessions.rows) states.set(row.client_id, { ...fromJson<SessionMeta>(row.state)!, inFlight: [], queue: [] });
    const messages = await this.pool.query<{ client_id: string; seq: string; packet_id: number | null; flight: InFlightState['state'] | null; payload: Buffer; meta: string }>(
      'SELECT client_id, seq, packet_id, flight, payload, meta FROM mqdash_messages ORDER BY client_id, seq',
    );
    for (const row of messages.rows) {
      const state = states.get(row.client_id);
      if (!state) continue; // rows of a session whose meta was never written: nothing to resume
      const seq = Number(row.seq);
      const outgoing = decodeOutgoing(row.payload, row.meta);
      if (row.packet_id === null) state.queue.push({ seq, outgoing });
      else state.inFlight.push({ seq, outgoing, packetId: row.packet_id, state: row.flight ?? 'publish' });
    }
    return [...states.values()];
  }

  saveSession(meta: SessionMeta): void {
    this.recording().saveSession(meta);
  }

  removeSession(clientId: string): void {
    this.recording().removeSession(clientId);
  }

  addMessage(clientId: string, message: StoredMessage): void {
    this.recording().addMessage(clientId, message);
  }

  markInFlight(clientId: string, seq: number, packetId: number, flight: 'publish' | 'pubrel'): void {
    this.recording().markInFlight(clientId, seq, packetId, flight);
  }

  removeMessage(clientId: string, seq: number): void {
    this.recording().removeMessage(clientId, seq);
  }

  afterDurable(callback: DurableCallback): void {
    if (this.closed) return callback(new Error('the PostgreSQL session store is closed'));
    if (this.pending.list.length > 0 || this.failed.length > 0) {
      this.waiters.push(callback); // with the next batch
      return;
    }
    if (!this.running) return callback(null); // nothing written that is not committed
    // the writes made before the call are in the batch running now: told once the batches up to it end
    this.waiters.push(callback);
    this.schedule();
  }

  /** Resolves when every write made before the call is committed; rejects with the error of the batch that failed. */
  flush(): Promise<void> {
    return new Promise((resolve, reject) => this.afterDurable((error) => (error ? reject(error) : resolve())));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      clearTimeout(this.retryTimer);
      await this.running;
      for (const waiter of this.takeWaiters()) waiter(new Error('the PostgreSQL session store is closed'));
      await this.listener?.end().catch(() => undefined);
      await this.reloading;
      if (this.ownsPool) await this.pool.end();
    }
  }

  private recording(): PendingChanges {
    if (this.closed) throw new Error('the PostgreSQL session store is closed');
    return this.pending;
  }

  /** Starts a batch at the end of the current turn, unless one is running (it starts the next when done). */
  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.startBatch();
    });
  }

  private takeWaiters(): DurableCallback[] {
    const waiters = this.waiters;
    this.waiters = [];
    return waiters;
  }

  /** Writes the failed statements and the changes recorded since as one transaction. */
  private startBatch(): void {
    if (this.running || this.retryTimer) return;
    const batch: Batch = { writes: [...this.failed, ...toWrites(this.pending.list)], waiters: this.takeWaiters() };
    this.failed = [];
    this.pending.clear();
    if (batch.writes.length === 0) {
      for (const waiter of batch.waiters) waiter(null);
      return;
    }
    this.running = this.commit(batch.writes).then(
      () => {
        this.running = undefined;
        for (const write of batch.writes) this.stats.rows += write.rows;
        for (const waiter of batch.waiters) waiter(null);
        this.next();
      },
      (error: unknown) => {
        this.running = undefined;
        const failure = error instanceof Error ? error : new Error(String(error));
        this.options.onError?.(failure, 'postgres session store');
        this.failed = batch.writes; // kept, written again before what came since
        for (const waiter of batch.waiters) waiter(failure);
        if (this.closed) return;
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.next();
        }, 1000);
        this.retryTimer.unref();
      },
    );
  }

  /** After a batch: the next one, when there is anything to write or anybody waiting. */
  private next(): void {
    if (this.pending.list.length > 0 || this.failed.length > 0 || this.waiters.length > 0) this.startBatch();
  }

  private async commit(writes: Write[]): Promise<void> {
    const client = await this.pool.connect();
    // a checked-out client has no listener of the pool's: a connection cut between two queries
    // (PostgreSQL restarting) would be an uncaught 'error'; the failed query reports it instead
    const cut = () => undefined;
    client.on('error', cut);
    try {
      await client.query('BEGIN');
      for (const { sql, values } of writes) await client.query(sql, values);
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
