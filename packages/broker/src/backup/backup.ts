/**
 * Online backup of the SQLite database through SQLite's backup API (better-sqlite3 `db.backup`),
 * while the broker runs (issue 14).
 *
 * How WAL and the backup API behave, and why the two callers copy differently:
 * - The backup copies pages in steps. Each step reads under a read transaction, which in WAL mode
 *   never blocks the writer (and the writer never blocks it).
 * - When the source changes between two steps through the same connection, SQLite copies the
 *   change into the backup as well; through any other connection, the next step starts the copy
 *   over. So the server, whose store has one connection, copies in small steps and yields between
 *   them (the broker keeps running), while another process (the `mqdash backup` CLI) copies
 *   everything in one step: one read transaction, one consistent snapshot, and no endless restart
 *   while MQTT traffic commits every few milliseconds. That step holds no lock the server waits
 *   for; it only keeps checkpoints from passing it, so the WAL file grows until it ends.
 * The copy is written beside the destination, switched to rollback journal (a single
 * self-contained file, not WAL), synced, and renamed into place: a destination is either absent
 * or a complete backup.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PRIVATE_FILE_MODE } from '../store/file-modes.ts';

/** All remaining pages in one step. */
export const ALL_PAGES = 0x7fffffff;

export interface BackupOptions {
  /**
   * Pages per step; the caller yields between steps. Small for the server's own connection,
   * `ALL_PAGES` from another process (see above).
   */
  stepPages: number;
  /** Called after each step. */
  onProgress?: (copiedPages: number, totalPages: number) => void;
}

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  durationMs: number;
}

export class BackupError extends Error {}

/** Writes a consistent copy of `source` to `dest` (which must not exist). */
export async function backupDatabase(source: Database.Database, dest: string, o: BackupOptions): Promise<BackupResult> {
  const started = performance.now();
  const target = path.resolve(dest);
  if (fs.existsSync(target)) throw new BackupError(`${target} exists already; choose a new file name (a backup never overwrites a file)`);
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) throw new BackupError(`the folder ${dir} does not exist`);
  const partial = path.join(dir, `.${path.basename(target)}.partial-${process.pid}-${Date.now()}`);
  try {
    let pages = 0;
    let copied = 0;
    let step = o.stepPages;
    const progress = await source.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        pages = totalPages;
        // Fewer pages copied than before: another connection wrote and the copy started over.
        // Finishing in one step is what stops that from repeating under constant traffic.
        if (totalPages - remainingPages < copied) step = ALL_PAGES;
        copied = totalPages - remainingPages;
        o.onProgress?.(copied, totalPages);
        return step;
      },
    });
    pages = progress.totalPages;
    o.onProgress?.(pages, pages);
    const copy = new Database(partial, { fileMustExist: true });
    try {
      // The copy carries the source's WAL flag; as a backup it is one file with no -wal beside it.
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    // It holds the password and API key hashes, as the database does (store/file-modes.ts).
    fs.chmodSync(partial, PRIVATE_FILE_MODE);
    const fd = fs.openSync(partial, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(partial, target);
    return { file: target, bytes: fs.statSync(target).size, pages, durationMs: performance.now() - started };
  } catch (err) {
    for (const f of [partial, `${partial}-journal`, `${partial}-wal`, `${partial}-shm`]) fs.rmSync(f, { force: true });
    throw err;
  }
}
