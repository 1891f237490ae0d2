import { z } from 'zod';

/**
 * createBackup (mqdash extension, issue 14): a consistent online copy of the database (SQLite's
 * backup API) written to DATA_DIR/backups while the broker runs. The dashboard's Settings →
 * Backup downloads it (`POST /bff/backups`, then `GET /bff/backups/{fileName}`).
 */
export const createBackupParams = z.object({});

/** A backup file's name: what createBackup names them, nothing that could leave DATA_DIR/backups. */
export const backupFileNameSchema = z.string().regex(/^mqdash-backup-[0-9TZ-]+(-\d+)?\.db$/, 'must be a backup file name that createBackup returned');

export interface CreateBackupResult {
  /** In DATA_DIR/backups. */
  fileName: string;
  bytes: number;
  pages: number;
  durationMilliseconds: number;
  createdDateTime: string;
}
