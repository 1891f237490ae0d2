/**
 * Restoring a backup (`mqdash restore`, issue 14): only with the server stopped, only a file that
 * passes SQLite's integrity check and is an mqdash database this version can open, and never
 * destroying what it replaces: the current database is renamed aside, not deleted.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from '../store/migrations/index.ts';
import { APPLICATION_ID, SCHEMA_VERSION } from '../store/schema.ts';
import { hasSqliteHeader } from '../store/sqlite-header.ts';
import { BackupError } from './backup.ts';

/** The database file in a data folder (DATA_DIR). */
export const databaseFile = (dataDir: string): string => path.join(dataDir, 'mqdash.db');

const SIDE_FILES = ['-wal', '-shm'];

export interface BackupInfo {
  file: string;
  bytes: number;
  sessions: number;
  auditEntries: number;
  /** Named migrations the backup has had (store/migrations). */
  migrations: string[];
}

/** Checks that `file` is a sound mqdash database this version can use; throws BackupError saying what is wrong. */
export function inspectBackup(file: string): BackupInfo {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new BackupError(`${file} does not exist`);
  }
  if (!stat.isFile()) throw new BackupError(`${file} is not a file`);
  if (!hasSqliteHeader(file)) throw new BackupError(`${file} is not an SQLite database`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) throw new BackupError(`${file} is not an mqdash database`);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new BackupError(`${file} has schema version ${version}, newer than this mqdash (${SCHEMA_VERSION}); restore it with the version that wrote it`);
    const problems = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    if (problems.join() !== 'ok') throw new BackupError(`${file} failed SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`);
    const has = (table: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
    const applied = has('schema_migrations') ? (db.prepare('SELECT name FROM schema_migrations ORDER BY name').all() as Array<{ name: string }>).map((r) => r.name) : [];
    const known = new Set(migrations.map((m) => m.name));
    const unknown = applied.filter((n) => !known.has(n));
    if (unknown.length > 0) throw new BackupError(`${file} was written by a newer mqdash (migrations unknown here: ${unknown.join(', ')}); restore it with that version`);
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { file, bytes: stat.size, sessions: count('sessions'), auditEntries: count('audit_log'), migrations: applied };
  } finally {
    db.close();
  }
}

/** Process ids that have `file` open (Linux /proc; those this user may not inspect are not seen). */
export function processesUsing(file: string): number[] {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return [];
  }
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target === real || SIDE_FILES.some((s) => target === real + s)) {
        pids.push(Number(pid));
        break;
      }
    }
  }
  return pids;
}

/**
 * Whether another connection has the database open. Open processes are looked for in /proc; and
 * SQLite itself is asked: an exclusive lock cannot be had while another connection holds the WAL
 * (the running server always does).
 */
export function databaseInUse(file: string): { inUse: boolean; pids: number[] } {
  const pids = processesUsing(file);
  if (pids.length > 0) return { inUse: true, pids };
  if (!fs.existsSync(file)) return { inUse: false, pids };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return { inUse: false, pids };
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return { inUse: true, pids };
    // A damaged file cannot be asked; with no process holding it (above), nothing uses it.
    return { inUse: false, pids };
  } finally {
    db?.close();
  }
}

export interface RestoreResult {
  restored: string;
  /** Where the database it replaced was kept (null when there was none). */
  keptAside: string | null;
  backup: BackupInfo;
}

/** Replaces the data folder's database with a checked copy of `backupFile`; the server must be stopped. */
export function restoreDatabase(dataDir: string, backupFile: string, now = new Date()): RestoreResult {
  const backup = inspectBackup(backupFile);
  const target = databaseFile(dataDir);
  if (path.resolve(backupFile) === path.resolve(target)) throw new BackupError(`${backupFile} is the database itself; name a backup file`);
  if (!fs.existsSync(dataDir)) fs.mkdirSync(dataDir, { recursive: true });
  const use = databaseInUse(target);
  if (use.inUse) {
    throw new BackupError(`the database ${target} is in use${use.pids.length ? ` by process ${use.pids.join(', ')}` : ' by another process'}: `
      + 'stop the mqdash server first (restore replaces the database and never runs beside the server)');
  }
  // Copied first, under a temporary name in the same folder, then renamed: the data folder never
  // holds a half-written database under the real name.
  const incoming = path.join(dataDir, `.mqdash.db.restoring-${process.pid}`);
  fs.copyFileSync(backupFile, incoming);
  const fd = fs.openSync(incoming, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  let keptAside: string | null = null;
  const present = ['', ...SIDE_FILES].filter((suffix) => fs.existsSync(target + suffix));
  if (present.length > 0) {
    keptAside = `${target}.replaced-${now.toISOString().replace(/[:.]/g, '-')}`;
    // With its -wal (committed changes a crash left there) and -shm, under the matching names.
    for (const suffix of present) fs.renameSync(target + suffix, keptAside + suffix);
  }
  fs.renameSync(incoming, target);
  return { restored: target, keptAside, backup };
}
