/**
 * The real server process (`node --import tsx apps/server/src/index.ts`) as a child, for the crash,
 * fault and slow-consumer tests and the soak run: free ports, its own data folder, its output kept
 * for assertions, SIGKILL or SIGTERM at will.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface ServerOptions {
  dataDir: string;
  mqttPort: number;
  httpPort: number;
  adminPassword: string;
  env?: Record<string, string>;
  /** Wraps the command: e.g. `['setpriv', '--reuid=nobody', …]`, or a shell with `ulimit -f`. */
  prefix?: string[];
  /** Shell commands run before the server in the same shell (`ulimit -f 512`). */
  shellPrelude?: string;
}

export interface ServerProcess {
  child: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves once both the MQTT and the HTTP port accept connections; rejects if the process exits first. */
  listening(timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnServer(o: ServerOptions): ServerProcess {
  const env = {
    ...process.env, HOST: '127.0.0.1', PORT: String(o.httpPort), MQTT_PORT: String(o.mqttPort), DATA_DIR: o.dataDir,
    ADMIN_PASSWORD: o.adminPassword, LOG_LEVEL: 'warn', ...o.env,
  };
  const node = [process.execPath, '--import', 'tsx', 'apps/server/src/index.ts'];
  let cmd: string[];
  if (o.shellPrelude) cmd = ['/bin/sh', '-c', `${o.shellPrelude}; exec "$@"`, 'sh', ...(o.prefix ?? []), ...node];
  else cmd = [...(o.prefix ?? []), ...node];
  const child = spawn(cmd[0]!, cmd.slice(1), { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => { done = true; });
  return {
    child,
    output: () => out,
    exited,
    async listening(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (done) throw new Error(`the server exited (${child.exitCode ?? child.signalCode}): ${out}`);
        // The MQTT listener opens before the HTTP one: wait for both.
        if (await accepts(o.mqttPort) && await accepts(o.httpPort)) return;
        if (Date.now() > deadline) throw new Error(`the server did not listen within ${timeoutMs} ms: ${out}`);
        await sleep(50);
      }
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}

/** POST /api with a JSON action; returns the envelope. */
export async function api(httpPort: number, body: Record<string, unknown>, signal?: AbortSignal): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/api`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal,
  });
  return res.json();
}

export async function login(httpPort: number, password: string): Promise<string> {
  const r = await api(httpPort, { action: 'createSession', params: { username: 'admin', password } });
  if (r.errorCode !== 0) throw new Error(`login failed: ${JSON.stringify(r)}`);
  return r.authToken as string;
}

/** PRAGMA integrity_check on a database file, opened read-only (the server is not running). */
export function integrityCheck(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}
