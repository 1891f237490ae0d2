/**
 * `SessionStore` on SQLite (better-sqlite3), in the same database file as the aedes build's
 * `mqtt_*` tables but in tables of its own (`mqdash_sessions`, `mqdash_retained`): one row per
 * persistent session holding its state as JSON (Buffers kept by the persistence's packet codec),
 * one row per retained topic. Retained messages are served from memory and written through.
 */
import type Database from 'better-sqlite3';
import { fromJson, toJson } from '../../persistence/packet-codec.ts';
import type { SessionState, SessionStore } from './persistence.ts';
import { MemoryRetainedStore, type RetainedStore } from './retained.ts';
import type { EngineMessage } from './types.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS mqdash_sessions (
  client_id TEXT PRIMARY KEY,
  state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mqdash_retained (
  topic TEXT PRIMARY KEY,
  message TEXT NOT NULL
);`;

/** The in-memory tree for SUBSCRIBE, every change also written to the table. */
class SqliteRetainedStore implements RetainedStore {
  private readonly memory = new MemoryRetainedStore();
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(db: Database.Database) {
    this.upsert = db.prepare('INSERT INTO mqdash_retained (topic, message) VALUES (?, ?) ON CONFLICT(topic) DO UPDATE SET message = excluded.message');
    this.remove = db.prepare('DELETE FROM mqdash_retained WHERE topic = ?');
    const now = Date.now();
    for (const row of db.prepare('SELECT message FROM mqdash_retained').all() as Array<{ message: string }>) {
      const message = fromJson<EngineMessage>(row.message)!;
      if (message.expiresAt !== undefined && message.expiresAt <= now) this.remove.run(message.topic); // [MQTT-3.3.2-5]
      else this.memory.put(message);
    }
  }

  put(message: EngineMessage): void {
    if (message.payload.length === 0) this.remove.run(message.topic); // [MQTT-3.3.1-6]
    else this.upsert.run(message.topic, toJson(message));
    this.memory.put(message);
  }

  match(topicFilter: string, now: number): EngineMessage[] {
    return this.memory.match(topicFilter, now);
  }

  count(): number {
    return this.memory.count();
  }
}

export class SqliteSessionStore implements SessionStore {
  readonly retained: RetainedStore;
  private readonly save: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    this.retained = new SqliteRetainedStore(db);
    this.save = db.prepare('INSERT INTO mqdash_sessions (client_id, state) VALUES (?, ?) ON CONFLICT(client_id) DO UPDATE SET state = excluded.state');
    this.remove = db.prepare('DELETE FROM mqdash_sessions WHERE client_id = ?');
  }

  loadSessions(): Promise<SessionState[]> {
    const rows = this.db.prepare('SELECT state FROM mqdash_sessions ORDER BY client_id').all() as Array<{ state: string }>;
    return Promise.resolve(rows.map((row) => fromJson<SessionState>(row.state)!));
  }

  saveSession(state: SessionState): void {
    this.save.run(state.clientId, toJson(state));
  }

  removeSession(clientId: string): void {
    this.remove.run(clientId);
  }

  flush(): Promise<void> {
    return Promise.resolve(); // each statement commits on its own (WAL): durable when it returns
  }

  close(): Promise<void> {
    return Promise.resolve(); // the database belongs to the caller
  }
}
