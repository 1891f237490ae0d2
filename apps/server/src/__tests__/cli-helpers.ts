/**
 * For the `mqdash` CLI tests: the CLI run as its own process (from the sources, under tsx), and
 * every row of every table of a database file, to compare two databases exactly.
 */
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { repoRoot } from './server-process.ts';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `mqdash <args>` in a process of its own (another process than the broker it works on). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/main.ts', ...args], {
      cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** table → its rows in a stable order (every column), for every table of the file. */
export function allRows(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    const out: Record<string, unknown[]> = {};
    for (const t of tables) {
      const n = (db.prepare(`SELECT count(*) FROM pragma_table_info('${t}')`).pluck().get() as number);
      const order = Array.from({ length: n }, (_, i) => i + 1).join(', ');
      out[t] = db.prepare(`SELECT * FROM "${t}" ORDER BY ${order}`).all();
    }
    return out;
  } finally {
    db.close();
  }
}

/**
 * The payloads a database holds for a persistent subscriber, in order, whichever engine wrote it:
 * mqdash's own engine keeps them as rows of `mqdash_messages` (its write-ahead), the aedes build
 * as `mqtt_outgoing` rows plus the write-ahead entries of `topicLike` not yet routed (replayed at start).
 */
export function heldMessages(db: Database.Database, clientId: string, topicLike: string): Buffer[] {
  const own = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'mqdash_messages'").pluck().get() === 1;
  if (own) return db.prepare('SELECT payload FROM mqdash_messages WHERE client_id = ? ORDER BY seq').pluck().all(clientId) as Buffer[];
  return [
    ...(db.prepare('SELECT payload FROM mqtt_outgoing WHERE client_id = ? ORDER BY seq').pluck().all(clientId) as Buffer[]),
    ...(db.prepare('SELECT payload FROM mqtt_write_ahead WHERE topic LIKE ? ORDER BY id').pluck().all(topicLike) as Buffer[]),
  ];
}

/** The number of rows of each table, for messages. */
export const rowCounts = (rows: Record<string, unknown[]>) => Object.fromEntries(Object.entries(rows).map(([t, r]) => [t, r.length]));

/**
 * QoS 1 traffic in order: payloads "0", "1", … published one after another, each after the last
 * one's PUBACK, until `stop()`. `acked()` is how many were acknowledged so far.
 */
export function publishInOrder(client: MqttClient, topic: string): { acked(): number; untilAcked(n: number): Promise<void>; stop(): Promise<number> } {
  let acked = 0;
  let stopped = false;
  const running = (async () => {
    for (let n = 0; !stopped; n++) {
      await client.publishAsync(topic, String(n), { qos: 1 });
      acked = n + 1;
    }
  })();
  return {
    acked: () => acked,
    async untilAcked(n) {
      while (acked < n) await new Promise((r) => setTimeout(r, 20));
    },
    async stop() {
      stopped = true;
      await running;
      return acked;
    },
  };
}
