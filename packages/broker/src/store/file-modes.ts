import fs from 'node:fs';
import path from 'node:path';

/**
 * The data folder holds password hashes, API key hashes and the audit log (issue 12: the probe found
 * `mqdash.db*` world-readable): the folder is 0700 and mqdash's files in it 0600, created so and
 * tightened at every start when an older version or a loose umask left them open.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** mqdash's own files in the data folder: the database and its WAL, shared-memory and journal files, the initial password. */
const OWN_FILE = /^(mqdash\.db(-wal|-shm|-journal)?|initial-admin-password)$/;

/**
 * Creates the folder 0700 or tightens it to 0700, and takes group and other access from mqdash's
 * files in it. A sticky folder (/tmp and the like) is shared by design and left as it is; so are
 * other files there. Returns the paths it tightened.
 */
export function securePrivateDir(dir: string): string[] {
  const tightened: string[] = [];
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const st = fs.statSync(dir);
  if ((st.mode & 0o1000) === 0 && (st.mode & 0o077) !== 0) {
    fs.chmodSync(dir, st.mode & PRIVATE_DIR_MODE);
    tightened.push(dir);
  }
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !OWN_FILE.test(entry.name)) continue;
    const file = path.join(dir, entry.name);
    if (tightenFile(file)) tightened.push(file);
  }
  return tightened;
}

/** Takes group and other access from one file; true when it had any. */
export function tightenFile(file: string): boolean {
  const mode = fs.statSync(file).mode;
  if ((mode & 0o077) === 0) return false;
  fs.chmodSync(file, mode & PRIVATE_FILE_MODE);
  return true;
}

/**
 * Creates an empty database file 0600 before SQLite opens it: SQLite gives the WAL, shared-memory
 * and journal files it creates later the main file's permissions, so they are private too.
 */
export function createPrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  tightenFile(file);
}
