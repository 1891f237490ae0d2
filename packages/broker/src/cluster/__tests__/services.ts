/**
 * Real PostgreSQL and Redis servers for the cluster tests (issue 11 "Tests use the real services"):
 * Debian's `postgresql` (15) and `redis-server`, each on a free 127.0.0.1 port in a temporary
 * folder, ready when the server says so (its own "ready" log line), stopped and removed by `stop`
 * and, as a last resort, when the test process exits. PostgreSQL refuses to run as root, so under
 * root it runs as the `postgres` user, owner of its folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
const READY_TIMEOUT_MS = 30_000;

export interface Service {
  port: number;
  /** A connection URL for node-postgres or ioredis. */
  url: string;
  /** The server's process, e.g. to kill it in a failure test. */
  process: ChildProcess;
  /** Stops the server and starts it again on the same port and folder (PostgreSQL keeps its data). */
  restart(): Promise<void>;
  /** Stops the server and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

/** Every service still running, stopped synchronously if the test process exits without `stop`. */
const running = new Set<{ child: ChildProcess; folder: string }>();
process.once('exit', () => {
  for (const { child, folder } of running) {
    child.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  }
});

/** A port nobody listens on right now (the server binds it right after). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The uid/gid to run PostgreSQL as: the `postgres` user under root, ourselves otherwise. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0) throw new Error('PostgreSQL cannot run as root and there is no `postgres` user (install Debian\'s postgresql)');
  return { uid, gid };
}

/**
 * Spawns a server and resolves once one of its output lines matches `ready`; rejects with its
 * output if it exits first or takes longer than READY_TIMEOUT_MS.
 */
function startServer(command: string, args: string[], ready: RegExp, folder: string, user?: { uid: number; gid: number }): Promise<ChildProcess> {
  if (!existsSync(command)) return Promise.reject(new Error(`${command} is missing: run scripts/test-all.sh (installs postgresql and redis-server)`));
  const child = spawn(command, args, { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'], ...user });
  const entry = { child, folder };
  running.add(entry);
  child.once('exit', () => running.delete(entry));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`${command} was not ready within ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!ready.test(output)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(child);
    };
    const onExit = (code: number | null) => fail(new Error(`${command} exited (${code}) before it was ready:\n${output}`));
    function fail(error: Error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Sends `signal` and resolves when the process has exited. */
async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Launches the server through `launch` (again on `restart`), stopping it with `signal`. */
async function service(launch: () => Promise<ChildProcess>, port: number, url: string, folder: string, signal: NodeJS.Signals): Promise<Service> {
  let stopping: Promise<void> | undefined;
  try {
    const started: Service = {
      port,
      url,
      process: await launch(),
      restart: async () => {
        await stopProcess(started.process, signal);
        started.process = await launch();
      },
      stop: () => (stopping ??= stopProcess(started.process, signal).then(() => rmSync(folder, { recursive: true, force: true }))),
    };
    return started;
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A throwaway PostgreSQL: initdb into a temporary folder (trust authentication, no fsync: the data
 * is thrown away), listening on 127.0.0.1 and a socket in that folder. The URL names the
 * `postgres` database as the `postgres` superuser.
 */
export async function startPostgres(): Promise<Service> {
  const folder = mkdtempSync(join(tmpdir(), 'mqdash-pg-'));
  const user = postgresUser();
  if (user) chownSync(folder, user.uid, user.gid);
  const data = join(folder, 'data');
  const init = spawnSync(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], { cwd: folder, encoding: 'utf8', ...user });
  if (init.status !== 0) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.error?.message ?? init.status}): ${init.stderr}`);
  }
  const port = await freePort();
  const args = ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', folder, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'];
  const launch = () => startServer(join(PG_BIN, 'postgres'), args, /database system is ready to accept connections/, folder, user);
  // SIGINT: PostgreSQL's fast shutdown (disconnects clients, no waiting for them)
  return service(launch, port, `postgres://postgres@127.0.0.1:${port}/postgres`, folder, 'SIGINT');
}

/** A throwaway redis-server on 127.0.0.1: no RDB snapshots, no append-only file. */
export async function startRedis(): Promise<Service> {
  const folder = mkdtempSync(join(tmpdir(), 'mqdash-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', folder, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'notice'];
  const launch = () => startServer(REDIS_SERVER, args, /Ready to accept connections/, folder);
  return service(launch, port, `redis://127.0.0.1:${port}`, folder, 'SIGTERM');
}
