/**
 * The server's own backups (createBackup, issue 14): one at a time, into DATA_DIR/backups, from the
 * store's connection in small steps with a yield between them, so the broker keeps serving while
 * it copies (backup.ts explains why the server's copy can step and another process's cannot).
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { backupDatabase, type BackupResult } from './backup.ts';

/** 256 pages (1 MiB at SQLite's default 4 KiB page) per step: about a millisecond of copying. */
const STEP_PAGES = 256;

export class Backups {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Database.Database, readonly dir: string, private readonly now: () => number = Date.now) {}

  /** Writes a new backup file; concurrent calls run one after another. */
  create(): Promise<BackupResult & { fileName: string; createdAt: number }> {
    const run = this.queue.then(async () => {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const createdAt = this.now();
      const stamp = new Date(createdAt).toISOString().replace(/[:.]/g, '-');
      let fileName = `mqdash-backup-${stamp}.db`;
      for (let i = 2; fs.existsSync(path.join(this.dir, fileName)); i++) fileName = `mqdash-backup-${stamp}-${i}.db`;
      const result = await backupDatabase(this.db, path.join(this.dir, fileName), { stepPages: STEP_PAGES });
      return { ...result, fileName, createdAt };
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** The path of a backup file in the folder, or null when there is none of that name. */
  file(fileName: string): string | null {
    if (path.basename(fileName) !== fileName) return null;
    const file = path.join(this.dir, fileName);
    return fs.existsSync(file) ? file : null;
  }

  remove(fileName: string): void {
    const file = this.file(fileName);
    if (file) fs.rmSync(file, { force: true });
  }
}
