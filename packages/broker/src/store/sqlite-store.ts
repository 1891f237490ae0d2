import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createPrivateFile, PRIVATE_DIR_MODE, tightenFile } from './file-modes.ts';
import { ipSortKey } from './ip-sort.ts';
import { hasSqliteHeader } from './sqlite-header.ts';
import { prefixCondition, searchConditions, type Conditions } from './session-search.ts';
import { storageProblem } from './storage-errors.ts';
import { APPLICATION_ID, SCHEMA_VERSION, schemaExtensions, schemaV1 } from './schema.ts';
import { applyMigrations } from './migrations/index.ts';
import type {
  BanSubject, AccountRow, AuditEntry, LabelRow, NewSession, SessionEventRow, SessionPatch, SessionQuery, SessionRow, Store, SubscriptionRow,
} from './types.ts';
import { SESSION_EVENTS_KEPT } from './migrations/2026-12-03-session-events.ts';

/** camelCase property → column. The order is the INSERT order. */
const columns = {
  clientName: 'client_name', sessionType: 'session_type', sessionStatus: 'session_status',
  connectionStatus: 'connection_status', sessionHealth: 'session_health', unhealthyReason: 'unhealthy_reason',
  unhealthySince: 'unhealthy_since',
  temporary: 'temporary', username: 'username', ipAddress: 'ip_address', port: 'port', mqttProtocol: 'mqtt_protocol',
  keepAlive: 'keep_alive', sessionExpiry: 'session_expiry', createdAt: 'created_at', connectedAt: 'connected_at',
  disconnectedAt: 'disconnected_at', lastActivityAt: 'last_activity_at', failedAt: 'failed_at',
  failedReason: 'failed_reason', minSend: 'min_send', maxSend: 'max_send', maxBacklog: 'max_backlog',
  minSubs: 'min_subs', maxSubs: 'max_subs', labelId: 'label_id', totalPublished: 'total_published',
  totalReceived: 'total_received', subCount: 'sub_count', creatorToken: 'creator_token', settings: 'settings',
  overrides: 'overrides',
} as const satisfies Record<keyof NewSession, string>;

const sortColumns = {
  lastConnect: 'connected_at', lastDisconnect: 'disconnected_at', clientName: 'client_name', ipAddress: 'ip_sort',
} as const;

type DbRow = Record<string, unknown>;

function toDb(key: string, value: unknown): unknown {
  if (key === 'settings' || key === 'overrides') return JSON.stringify(value ?? {});
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

function fromDb(r: DbRow): SessionRow {
  const out: Record<string, unknown> = { id: r.id };
  for (const [key, col] of Object.entries(columns)) out[key] = r[col];
  out.temporary = r.temporary === 1;
  out.settings = JSON.parse(r.settings as string);
  out.overrides = JSON.parse(r.overrides as string);
  return out as unknown as SessionRow;
}

const accountFromDb = (r: DbRow): AccountRow => ({
  username: r.username as string, passwordHash: r.password_hash as string, role: r.role as AccountRow['role'],
  description: r.description as string, createdBy: r.created_by as string | null, createdAt: r.created_at as number, updatedAt: r.updated_at as number,
});

export class StoreError extends Error {}

/** The embedded store: one SQLite file through better-sqlite3, WAL mode (DESIGN §3). */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();
  /** Told how long each registry write took, in seconds (the store write latency metric); a write inside a transaction is the transaction's. */
  onWrite: ((seconds: number) => void) | null = null;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
    const fresh = file === ':memory:' || !fs.existsSync(file) || fs.statSync(file).size === 0;
    if (file !== ':memory:') SqliteStore.checkFile(file, fresh);
    let db: Database.Database | undefined;
    try {
      // Issue 12: 0600 from the start; SQLite gives its -wal and -shm files the same mode.
      if (fresh && file !== ':memory:') createPrivateFile(file);
      this.db = db = new Database(file);
      // Before anything writes (switching to WAL rewrites the header): another app's database is left as it is.
      if (!fresh) this.checkIdentity(file);
      // An mqdash database an older version or a loose umask left readable by others: tightened.
      if (!fresh) for (const f of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) tightenFile(f);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 5000');
      this.migrate(file);
    } catch (err) {
      if (db?.open) db.close();
      if (err instanceof StoreError) throw err;
      const problem = storageProblem(err);
      throw new StoreError(`cannot open the database ${file}: ${problem ? `${problem} (${(err as Error).message})` : (err as Error).message}`, { cause: err });
    }
  }

  /**
   * Refuses, before SQLite touches it, a file that is not an SQLite database (random bytes, another
   * kind of file) and a data folder or database this process cannot write (a read-only mount,
   * another user's files): mqdash does not run read-only, and must never overwrite what it cannot read.
   */
  private static checkFile(file: string, fresh: boolean): void {
    const dir = path.dirname(file);
    const who = typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : '';
    try {
      fs.accessSync(dir, fs.constants.W_OK);
      if (!fresh) fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
    } catch {
      throw new StoreError(`the data folder ${dir} or its database ${path.basename(file)} is not writable by this process${who}: `
        + 'mqdash writes its database there and does not start read-only; give it write access or choose another DATA_DIR');
    }
    if (fresh) return;
    if (!hasSqliteHeader(file))
      throw new StoreError(`${file} is not an SQLite database (damaged, or another kind of file); refusing to use or overwrite it: restore a backup, or move it away to start empty`);
  }

  private checkIdentity(file: string): void {
    const appId = this.db.pragma('application_id', { simple: true }) as number;
    if (appId === APPLICATION_ID) return;
    const tables = this.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0) throw new StoreError(`${file} is not an mqdash database (application_id ${appId}, ${tables.n} tables of another application); refusing to use or change it: choose another DATA_DIR`);
  }

  private migrate(file: string): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new StoreError(`${file} has schema version ${version}, newer than this mqdash (${SCHEMA_VERSION})`);
    if (version === 0) {
      this.db.transaction(() => {
        this.db.exec(schemaV1);
        this.db.pragma(`application_id = ${APPLICATION_ID}`);
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    }
    this.db.exec(schemaExtensions);
    applyMigrations(this.db);
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  transaction<T>(fn: () => T): T {
    return this.timed(() => this.db.transaction(fn)());
  }

  private timed<T>(write: () => T): T {
    if (!this.onWrite || this.db.inTransaction) return write();
    const started = performance.now();
    const result = write();
    this.onWrite((performance.now() - started) / 1000);
    return result;
  }

  getSession(clientName: string): SessionRow | undefined {
    const r = this.stmt('SELECT * FROM sessions WHERE client_name = ?').get(clientName) as DbRow | undefined;
    return r && fromDb(r);
  }

  getSessions(clientNames: readonly string[]): SessionRow[] {
    const out: SessionRow[] = [];
    for (const name of clientNames) {
      const row = this.getSession(name);
      if (row) out.push(row);
    }
    return out;
  }

  insertSession(session: NewSession): SessionRow {
    const keys = Object.keys(columns) as Array<keyof NewSession>;
    const sql = `INSERT INTO sessions (${keys.map((k) => columns[k]).join(', ')}, ip_sort) VALUES (${keys.map(() => '?').join(', ')}, ?)`;
    const info = this.timed(() => this.stmt(sql).run(...keys.map((k) => toDb(k, session[k])), ipSortKey(session.ipAddress)));
    return { ...session, id: Number(info.lastInsertRowid) };
  }

  updateSession(id: number, patch: SessionPatch): void {
    const keys = (Object.keys(patch) as Array<keyof SessionPatch>).filter((k) => patch[k] !== undefined).sort();
    if (keys.length === 0) return;
    const ip = patch.ipAddress !== undefined ? ', ip_sort = ?' : '';
    const sql = `UPDATE sessions SET ${keys.map((k) => `${columns[k]} = ?`).join(', ')}${ip} WHERE id = ?`;
    this.timed(() => this.stmt(sql).run(...keys.map((k) => toDb(k, patch[k])), ...(ip ? [ipSortKey(patch.ipAddress ?? null)] : []), id));
  }

  deleteSession(id: number): void {
    this.stmt('DELETE FROM sessions WHERE id = ?').run(id);
  }

  listSessions(q: SessionQuery): { rows: SessionRow[]; total: number } {
    const c: Conditions = { where: [], args: [] };
    const { where, args } = c;
    if (q.prefix) prefixCondition(c, q.prefix);
    const searched = searchConditions(c, q);
    // With a prefix or a search, the range on the unique client_name index (or the trigram index,
    // user names, addresses) is the selective condition. Without statistics SQLite guesses that an
    // equality on a status column matches ~10 rows and picks that index instead, visiting most of
    // the table (bench: p95 30 ms over 100k sessions). A unary `+` keeps these low-cardinality
    // columns out of index selection then.
    const hint = q.prefix || searched ? '+' : '';
    const inList = (col: string, values: string[]) => {
      if (values.length === 0) return;
      where.push(`${hint}${col} IN (${values.map(() => '?').join(', ')})`);
      args.push(...values);
    };
    inList('connection_status', q.connectionStatuses);
    inList('session_type', q.sessionTypes);
    inList('session_health', q.healths);
    if (q.sessionStatuses.length > 0) inList('session_status', q.sessionStatuses);
    else where.push("session_status <> 'hidden'");
    if (!q.includeUnsetHealthMeasures) where.push('(min_send > 0 OR max_send > 0 OR max_backlog > 0 OR min_subs > 0 OR max_subs > 0)');
    if (q.labelId !== undefined) {
      where.push('label_id = ?');
      args.push(q.labelId);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const col = sortColumns[q.sort.key];
    const dir = q.sort.descending ? 'DESC' : 'ASC';
    // NULLs (never connected, never disconnected) sort last either way; client_name breaks ties.
    const order = col === 'client_name' ? `client_name ${dir}` : `${col} IS NULL, ${col} ${dir}, client_name ${dir}`;
    const rows = (this.stmt(`SELECT * FROM sessions ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...args, q.limit, q.skip) as DbRow[]).map(fromDb);
    const total = (this.stmt(`SELECT count(*) AS n FROM sessions ${whereSql}`).get(...args) as { n: number }).n;
    return { rows, total };
  }

  clientNames(): Set<string> {
    return new Set((this.stmt('SELECT client_name FROM sessions').pluck().all() as string[]));
  }

  *banSubjects(): IterableIterator<BanSubject> {
    yield* this.stmt("SELECT client_name AS clientName, username, ip_address AS ipAddress FROM sessions WHERE session_type = 'mqtt'").iterate() as IterableIterator<BanSubject>;
  }

  countSessions(): number {
    return (this.stmt('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
  }

  overviewCounts() {
    const rows = this.stmt(`SELECT session_status AS st, connection_status AS cs, session_health AS h, session_type AS t, count(*) AS n
      FROM sessions GROUP BY 1, 2, 3, 4`).all() as Array<{ st: string; cs: string; h: string; t: string; n: number }>;
    const counts = {
      connectionStatus: { connected: 0, disconnected: 0, connectedTemporarily: 0 } as Record<string, number>,
      sessionStatus: { normal: 0, hidden: 0, banned: 0, inactive: 0 } as Record<string, number>,
      health: { healthy: 0, unhealthy: 0, offline: 0 } as Record<string, number>,
      sessionType: { mqtt: 0, mqApi: 0 } as Record<string, number>,
      total: 0,
    };
    for (const r of rows) {
      counts.sessionStatus[r.st] = (counts.sessionStatus[r.st] ?? 0) + r.n;
      if (r.st === 'hidden') continue;
      const cs = r.cs === 'unknown' ? 'disconnected' : r.cs;
      counts.connectionStatus[cs] = (counts.connectionStatus[cs] ?? 0) + r.n;
      counts.health[r.h] = (counts.health[r.h] ?? 0) + r.n;
      counts.sessionType[r.t] = (counts.sessionType[r.t] ?? 0) + r.n;
      counts.total += r.n;
    }
    return counts;
  }

  markAllDisconnected(now: number): number {
    return this.stmt(`UPDATE sessions SET connection_status = 'disconnected', disconnected_at = ?, session_health = 'offline',
      unhealthy_reason = NULL, unhealthy_since = NULL WHERE connection_status IN ('connected', 'connectedTemporarily')`).run(now).changes;
  }

  temporarySessions(): SessionRow[] {
    return (this.stmt('SELECT * FROM sessions WHERE temporary = 1').all() as DbRow[]).map(fromDb);
  }

  sessionsCreatedBy(tokenHash: string): SessionRow[] {
    return (this.stmt('SELECT * FROM sessions WHERE creator_token = ?').all(tokenHash) as DbRow[]).map(fromDb);
  }

  putSubscription(sessionId: number, sub: SubscriptionRow): void {
    this.stmt('INSERT OR REPLACE INTO subscriptions (session_id, topic_filter, qos, options) VALUES (?, ?, ?, ?)')
      .run(sessionId, sub.topicFilter, sub.qos, JSON.stringify(sub.options));
  }

  removeSubscription(sessionId: number, topicFilter: string): boolean {
    return this.stmt('DELETE FROM subscriptions WHERE session_id = ? AND topic_filter = ?').run(sessionId, topicFilter).changes > 0;
  }

  clearSubscriptions(sessionId: number): void {
    this.stmt('DELETE FROM subscriptions WHERE session_id = ?').run(sessionId);
  }

  subscriptions(sessionId: number): SubscriptionRow[] {
    return (this.stmt('SELECT topic_filter, qos, options FROM subscriptions WHERE session_id = ? ORDER BY topic_filter').all(sessionId) as DbRow[])
      .map((r) => ({ topicFilter: r.topic_filter as string, qos: r.qos as number, options: JSON.parse(r.options as string) }));
  }

  addPublishedTopic(sessionId: number, topic: string): void {
    this.stmt('INSERT OR IGNORE INTO published_topics (session_id, topic) VALUES (?, ?)').run(sessionId, topic);
  }

  publishedTopics(sessionId: number): string[] {
    return (this.stmt('SELECT topic FROM published_topics WHERE session_id = ? ORDER BY topic').all(sessionId) as DbRow[]).map((r) => r.topic as string);
  }

  findOrCreateLabel(group: string, name: string, now: number): LabelRow {
    const found = this.findLabel(group, name);
    if (found) return found;
    const info = this.stmt('INSERT INTO labels (grp, name, created_at) VALUES (?, ?, ?)').run(group, name, now);
    return { id: Number(info.lastInsertRowid), group, name, description: '', metadata: {}, createdAt: now };
  }

  private static label(r: DbRow | undefined): LabelRow | undefined {
    return r && {
      id: r.id as number, group: r.grp as string, name: r.name as string, description: r.description as string,
      metadata: JSON.parse(r.metadata as string), createdAt: r.created_at as number,
    };
  }

  getLabel(id: number): LabelRow | undefined {
    return SqliteStore.label(this.stmt('SELECT * FROM labels WHERE id = ?').get(id) as DbRow | undefined);
  }

  findLabel(group: string, name: string): LabelRow | undefined {
    return SqliteStore.label(this.stmt('SELECT * FROM labels WHERE grp = ? AND name = ?').get(group, name) as DbRow | undefined);
  }

  getAccount(username: string): AccountRow | undefined {
    const r = this.stmt('SELECT * FROM accounts WHERE username = ?').get(username) as DbRow | undefined;
    return r && accountFromDb(r);
  }

  putAccount(a: AccountRow): void {
    this.stmt(`INSERT INTO accounts (username, password_hash, role, description, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role, description = excluded.description,
      updated_at = excluded.updated_at`)
      .run(a.username, a.passwordHash, a.role, a.description, a.createdBy, a.createdAt, a.updatedAt);
  }

  listAccounts(): AccountRow[] {
    return (this.stmt('SELECT * FROM accounts ORDER BY username').all() as DbRow[]).map(accountFromDb);
  }

  deleteAccount(username: string): boolean {
    return this.stmt('DELETE FROM accounts WHERE username = ?').run(username).changes > 0;
  }

  appendAudit(e: AuditEntry): number {
    return Number(this.stmt('INSERT INTO audit_log (ts, actor, action, target, error_code, details) VALUES (?, ?, ?, ?, ?, ?)')
      .run(e.ts, e.actor, e.action, e.target, e.errorCode, JSON.stringify(e.details)).lastInsertRowid);
  }

  getAudit(id: number): AuditEntry | undefined {
    const r = this.stmt('SELECT * FROM audit_log WHERE id = ?').get(id) as DbRow | undefined;
    return r ? auditOf(r) : undefined;
  }

  appendSessionEvent(e: SessionEventRow): void {
    this.stmt('INSERT INTO session_events (client_name, ts, type, details) VALUES (?, ?, ?, ?)').run(e.clientName, e.ts, e.type, JSON.stringify(e.details));
    // Bounded per session: the oldest beyond SESSION_EVENTS_KEPT go (one indexed range delete).
    this.stmt(`DELETE FROM session_events WHERE client_name = ? AND id <= (
      SELECT id FROM session_events WHERE client_name = ? ORDER BY id DESC LIMIT 1 OFFSET ${SESSION_EVENTS_KEPT})`).run(e.clientName, e.clientName);
  }

  sessionEvents(clientName: string, limit: number): SessionEventRow[] {
    return (this.stmt('SELECT * FROM session_events WHERE client_name = ? ORDER BY id DESC LIMIT ?').all(clientName, limit) as DbRow[]).map((r) => ({
      id: r.id as number, clientName: r.client_name as string, ts: r.ts as number, type: r.type as SessionEventRow['type'], details: JSON.parse(r.details as string),
    }));
  }

  deleteSessionEvents(clientName: string): void {
    this.stmt('DELETE FROM session_events WHERE client_name = ?').run(clientName);
  }

  recentAudit(limit: number, target?: string): AuditEntry[] {
    const rows = (target === undefined
      ? this.stmt('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit)
      : this.stmt('SELECT * FROM audit_log WHERE target = ? ORDER BY id DESC LIMIT ?').all(target, limit)) as DbRow[];
    return rows.map(auditOf);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

const auditOf = (r: DbRow): AuditEntry => ({
  id: r.id as number, ts: r.ts as number, actor: r.actor as string, action: r.action as string,
  target: r.target as string | null, errorCode: r.error_code as number, details: JSON.parse(r.details as string),
});
