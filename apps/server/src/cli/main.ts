/**
 * The `mqdash` command (root package.json `bin` → bin/mqdash.mjs → this, compiled): backup,
 * restore and administrator password recovery, for an operator with shell access to the data
 * folder (issue 14; docs/operations.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import {
  ALL_PAGES, BackupError, PasswordResetError, SqliteStore, StoreError, backupDatabase, clearLockout, databaseFile, inspectBackup,
  resetAccountPassword, restoreDatabase,
} from '@mqdash/broker';

export const usage = `Usage: mqdash <command> [options]

Commands:
  backup <file>            Write a consistent copy of the database to <file> (a new file), also
                           while the server runs; SQLite's backup API, checked afterwards.
  restore <file>           Replace the database with the backup <file>. The server must be
                           stopped; the backup is integrity-checked first, and the database it
                           replaces is kept beside it (mqdash.db.replaced-<time>).
  reset-admin-password     Set a new random password for an administrator account and print it
                           (alone on stdout). Its sign-ins end; the reset is audited.
      --user <name>        the account (default: admin)

Options:
  --data-dir <folder>      the data folder (default: $DATA_DIR, else ./data)
  -h, --help               this help

Exit status: 0 done, 1 failed (the reason is printed), 2 wrong usage.`;

class UsageError extends Error {}

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function backup(dataDir: string, file: string, io: Io): Promise<void> {
  const source = databaseFile(dataDir);
  if (!fs.existsSync(source)) throw new BackupError(`no database at ${source} (set --data-dir or DATA_DIR)`);
  const db = new Database(source, { fileMustExist: true, readonly: true });
  let result;
  try {
    db.pragma('busy_timeout = 5000');
    // Another process than the server: all pages in one step, one consistent snapshot (backup.ts).
    result = await backupDatabase(db, file, { stepPages: ALL_PAGES });
  } finally {
    db.close();
  }
  const checked = inspectBackup(result.file);
  io.out(`mqdash: backup written to ${result.file}: ${mb(result.bytes)}, ${checked.sessions} sessions, `
    + `${checked.auditEntries} audit entries, integrity ok, in ${(result.durationMs / 1000).toFixed(2)} s`);
}

function restore(dataDir: string, file: string, io: Io): void {
  const r = restoreDatabase(dataDir, file);
  io.out(`mqdash: restored ${r.restored} from ${path.resolve(file)} (${r.backup.sessions} sessions, integrity ok)`);
  io.out(r.keptAside ? `mqdash: the database it replaced is kept as ${r.keptAside}` : 'mqdash: there was no database to replace');
}

async function resetAdminPassword(dataDir: string, username: string, io: Io): Promise<void> {
  const file = databaseFile(dataDir);
  if (!fs.existsSync(file)) throw new PasswordResetError(`no database at ${file} (set --data-dir or DATA_DIR)`);
  const store = new SqliteStore(file);
  try {
    const user = (() => {
      try {
        return os.userInfo().username;
      } catch {
        return String(process.getuid?.() ?? 'unknown');
      }
    })();
    const r = await resetAccountPassword(store, username, {
      actor: `cli:${user}`, details: { host: os.hostname() },
      // The stored sign-in limiter (issue 12): a locked-out account can sign in with its new password at once.
      hooks: { clearLockout: (username) => { clearLockout(store.db, username); } },
    });
    io.err(`mqdash: new password for the account "${r.username}" (its sign-ins have ended; recorded in the audit log):`);
    io.out(r.password);
  } finally {
    store.close();
  }
}

/** Runs the command line; returns the exit status. */
export async function main(argv: string[], io: Io = { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env }): Promise<number> {
  try {
    const { values, positionals } = (() => {
      try {
        return parseArgs({
          args: argv, allowPositionals: true, strict: true,
          options: { 'data-dir': { type: 'string' }, user: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
        });
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    })();
    const [command, ...rest] = positionals;
    if (values.help || command === 'help') {
      io.out(usage);
      return 0;
    }
    if (command === undefined) throw new UsageError('name a command');
    const dataDir = values['data-dir'] ?? (io.env.DATA_DIR || './data');
    const oneFile = () => {
      if (rest.length !== 1) throw new UsageError(`${command} takes one file name`);
      return rest[0]!;
    };
    if (values.user !== undefined && command !== 'reset-admin-password') throw new UsageError(`--user belongs to reset-admin-password, not ${command}`);
    switch (command) {
      case 'backup': await backup(dataDir, oneFile(), io); break;
      case 'restore': restore(dataDir, oneFile(), io); break;
      case 'reset-admin-password':
        if (rest.length > 0) throw new UsageError('reset-admin-password takes no file name (use --user <name>)');
        await resetAdminPassword(dataDir, values.user ?? 'admin', io);
        break;
      default: throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`mqdash: ${err.message}\n\n${usage}`);
      return 2;
    }
    if (err instanceof BackupError || err instanceof PasswordResetError || err instanceof StoreError) {
      io.err(`mqdash: ${err.message}`);
      return 1;
    }
    const e = err as Error & { code?: string };
    io.err(`mqdash: failed: ${e.code ? `${e.code}: ` : ''}${e.message}`);
    return 1;
  }
}

// `node apps/server/dist/cli/main.js …` (and the sources under tsx, as the tests run it) works too.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
