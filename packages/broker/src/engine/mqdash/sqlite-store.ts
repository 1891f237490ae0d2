/**
 * `SessionStore` on SQLite (better-sqlite3), in the same database file as the aedes build's
 * `mqtt_*` tables but in tables of its own: `mqdash_sessions` (one row per persistent session, its
 * meta as JSON: subscriptions, QoS 2 packet identifiers, will, expiry), `mqdash_messages` (one row
 * per queued or in-flight message: queueing a message writes one row, in flight updates it, the
 * acknowledgement deletes it), `mqdash_retained` (one row per retained topic, served from memory).
 *
 * Every change is recorded in order and written by group commit (persistence/group-commit.ts): one
 * transaction per flush, write-behind after `delayMs`, or at the next turn of the event loop (and
 * fsynced with `sync: 'full'`) when somebody waits in `afterDurable`, as the PUBACK of a QoS 1
 * PUBLISH does. A message queued and acknowledged between two flushes is never written; a session's
 * meta is written only when it changed.
 *
 * On its first open of a folder written by the aedes build, the `mqtt_*` state is imported
 * (aedes-import.ts).
 */
import type Database from 'better-sqlite3';
import { GroupCommit, type GroupCommitOptions } from '../../persistence/group-commit.ts';
import { fromJson, toJson } from '../../persistence/packet-codec.ts';
import { importAedesState, type ImportCounts } from './aedes-import.ts';
import { decodeOutgoing, encodeOutgoing } from './message-codec.ts';
import { PendingChanges, RecordingRetainedStore } from './pending-changes.ts';
import type { DurableCallback, InFlightState, SessionMeta, SessionState, SessionStore, StoredMessage } from './persistence.ts';
import type { RetainedStore } from './retained.ts';
import type { EngineMessage } from './types.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS mqdash_sessions (
  client_id TEXT PRIMARY KEY,
  state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mqdash_messages (
  client_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  packet_id INTEGER,
  flight TEXT,
  payload BLOB NOT NULL,
  meta TEXT NOT NULL,
  PRIMARY KEY (client_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mqdash_retained (
  topic TEXT PRIMARY KEY,
  message TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mqdash_imports (
  source TEXT PRIMARY KEY,
  imported_at INTEGER NOT NULL,
  counts TEXT NOT NULL
);`;

export interface SqliteSessionStoreOptions extends Partial<Omit<GroupCommitOptions, 'onError'>> {
  /** A flush failed (the changes stay pending and are tried again). */
  onError?: (error: Error) => void;
  /** Told what the import of the aedes build's tables brought over (once per data folder). */
  onImport?: (counts: ImportCounts) => void;
  /** Rows read per slice by `loadSessions`, which leaves the event loop free between slices (default 5,000). */
  loadSliceRows?: number;
}

type MessageRow = { client_id: string; seq: number; packet_id: number | null; flight: InFlightState['state'] | null; payload: Buffer; meta: string };

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The in-memory tree for SUBSCRIBE; every change also goes to the table with the next commit. */
class SqliteRetainedStore extends RecordingRetainedStore {
  constructor(db: Database.Database, record: (message: EngineMessage) => void) {
    super(record);
    const now = Date.now();
    for (const row of db.prepare('SELECT message FROM mqdash_retained').all() as Array<{ message: string }>) {
      const message = fromJson<EngineMessage>(row.message)!;
      if (message.expiresAt !== undefined && message.expiresAt <= now) record({ ...message, payload: Buffer.alloc(0) }); // [MQTT-3.3.2-5]
      else this.memory.put(message);
    }
  }
}

export class SqliteSessionStore implements SessionStore {
  readonly retained: RetainedStore;
  /** Rows written by the commits so far (for tests and the README's figures). */
  readonly stats = { rows: 0 };
  /** Rows written by the transaction under way (counted once it commits). */
  private writing = 0;
  private readonly commit: GroupCommit;
  private readonly statements;
  private readonly pending = new PendingChanges(() => this.commit.changed());
  private readonly sliceRows: number;
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    options: SqliteSessionStoreOptions = {},
  ) {
    db.exec(SCHEMA);
    const counts = importAedesState(db);
    if (counts) options.onImport?.(counts);
    const p = (sql: string) => db.prepare(sql);
    this.statements = {
      meta: p('INSERT INTO mqdash_sessions (client_id, state) VALUES (?, ?) ON CONFLICT(client_id) DO UPDATE SET state = excluded.state'),
      removeSession: p('DELETE FROM mqdash_sessions WHERE client_id = ?'),
      removeMessages: p('DELETE FROM mqdash_messages WHERE client_id = ?'),
      add: p('INSERT OR REPLACE INTO mqdash_messages (client_id, seq, packet_id, flight, payload, meta) VALUES (?, ?, ?, ?, ?, ?)'),
      flight: p('UPDATE mqdash_messages SET packet_id = ?, flight = ? WHERE client_id = ? AND seq = ?'),
      delete: p('DELETE FROM mqdash_messages WHERE client_id = ? AND seq = ?'),
      putRetained: p('INSERT INTO mqdash_retained (topic, message) VALUES (?, ?) ON CONFLICT(topic) DO UPDATE SET message = excluded.message'),
      clearRetained: p('DELETE FROM mqdash_retained WHERE topic = ?'),
    };
    this.sliceRows = Math.max(1, options.loadSliceRows ?? 5000);
    this.commit = new GroupCommit(
      db,
      { write: () => this.write(), committed: () => this.committed(), failed: () => undefined },
      {
        delayMs: options.delayMs ?? 50,
        syncDelayMs: options.syncDelayMs ?? 0,
        maxPending: options.maxPending ?? 20_000,
        sync: options.sync ?? 'full',
        onError: options.onError ?? (() => undefined),
        onCommit: options.onCommit,
      },
    );
    this.retained = new SqliteRetainedStore(db, (message) => this.pending.putRetained(message));
  }

  /**
   * Reads the stored sessions and their messages in slices of `loadSliceRows` rows (by key), with a
   * turn of the event loop between slices: at 100,000 sessions the server answers meanwhile (issue 14).
   */
  async loadSessions(): Promise<SessionState[]> {
    this.commit.flush(true);
    const states = new Map<string, SessionState>();
    const limit = this.sliceRows;
    const sessions = this.db.prepare('SELECT client_id, state FROM mqdash_sessions WHERE client_id > ? ORDER BY client_id LIMIT ?');
    for (let after = '', n = limit; n === limit; await this.nextSlice()) {
      const rows = sessions.all(after, limit) as Array<{ client_id: string; state: string }>;
      for (const row of rows) {
        this.pending.knownMeta(row.client_id, row.state);
        states.set(row.client_id, { ...fromJson<SessionMeta>(row.state)!, inFlight: [], queue: [] });
      }
      n = rows.length;
      if (n > 0) after = rows[n - 1]!.client_id;
    }
    const messages = this.db.prepare('SELECT client_id, seq, packet_id, flight, payload, meta FROM mqdash_messages WHERE (client_id, seq) > (?, ?) ORDER BY client_id, seq LIMIT ?');
    for (let after: [string, number] = ['', 0], n = limit; n === limit; await this.nextSlice()) {
      const rows = messages.all(...after, limit) as MessageRow[];
      for (const row of rows) {
        const state = states.get(row.client_id);
        if (!state) continue; // rows of a session whose meta was never written: nothing to resume
        const outgoing = decodeOutgoing(row.payload, row.meta);
        if (row.packet_id === null) state.queue.push({ seq: row.seq, outgoing });
        else state.inFlight.push({ seq: row.seq, outgoing, packetId: row.packet_id, state: row.flight ?? 'publish' });
      }
      n = rows.length;
      if (n > 0) after = [rows[n - 1]!.client_id, rows[n - 1]!.seq];
    }
    return [...states.values()];
  }

  /** A turn of the event loop between slices; stops the load once the store is closed. */
  private async nextSlice(): Promise<void> {
    await nextTurn();
    if (this.closed) throw new Error('the session store was closed while its sessions loaded');
  }

  saveSession(meta: SessionMeta): void {
    this.pending.saveSession(meta);
  }

  removeSession(clientId: string): void {
    this.pending.removeSession(clientId);
  }

  addMessage(clientId: string, message: StoredMessage): void {
    this.pending.addMessage(clientId, message);
  }

  markInFlight(clientId: string, seq: number, packetId: number, flight: 'publish' | 'pubrel'): void {
    this.pending.markInFlight(clientId, seq, packetId, flight);
  }

  removeMessage(clientId: string, seq: number): void {
    this.pending.removeMessage(clientId, seq);
  }

  afterDurable(callback: DurableCallback): void {
    this.commit.whenDurable(callback);
  }

  flush(): Promise<void> {
    return this.commit.flush(true) ? Promise.resolve() : Promise.reject(new Error('the session store could not write its changes'));
  }

  close(): Promise<void> {
    this.closed = true;
    this.commit.close();
    return Promise.resolve(); // the database belongs to the caller
  }

  /** Inside the commit's transaction: every pending change, in order. */
  private write(): void {
    const s = this.statements;
    let rows = 0;
    for (const change of this.pending.list) {
      switch (change.kind) {
        case 'meta':
          s.meta.run(change.clientId, change.json);
          break;
        case 'remove':
          s.removeSession.run(change.clientId);
          s.removeMessages.run(change.clientId);
          break;
        case 'add': {
          if (change.cancelled) continue;
          const { payload, meta } = encodeOutgoing(change.message.outgoing);
          s.add.run(change.clientId, change.message.seq, change.packetId, change.flight, payload, meta);
          break;
        }
        case 'flight':
          s.flight.run(change.packetId, change.flight, change.clientId, change.seq);
          break;
        case 'delete':
          s.delete.run(change.clientId, change.seq);
          break;
        case 'retained':
          if (change.message.payload.length === 0) s.clearRetained.run(change.message.topic); // [MQTT-3.3.1-6]
          else s.putRetained.run(change.message.topic, toJson(change.message));
          break;
      }
      rows++;
    }
    this.writing = rows;
  }

  private committed(): number {
    this.stats.rows += this.writing;
    this.pending.clear();
    return 0;
  }
}
