// Starts the real server as a child process on free ports with its own data directory: the
// compiled build, as `npm start` runs it (scripts/start.mjs, plain node; npm run test:e2e builds first).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { buildState } from '../../scripts/build-state.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const DEFAULT_ADMIN_PASSWORD = 'admin-test-password';
const HEALTH_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 6_000;
const OUTPUT_LIMIT = 1_000_000;

export interface StartServerOptions {
  /** Extra environment; HOST, PORT, MQTT_PORT and DATA_DIR are always set by startServer. */
  env?: Record<string, string>;
  /** Reuse a data directory (e.g. to test a restart); a new temporary one otherwise. */
  dataDir?: string;
  /** Another way to start the compiled server than `node scripts/start.mjs` (cwd: the repository). */
  command?: [string, string[]];
}

export interface RunningServer {
  baseUrl: string;
  httpPort: number;
  mqttPort: number;
  dataDir: string;
  adminPassword: string;
  child: ChildProcess;
  /** The child's stdout and stderr so far (the last 1 MB). */
  output(): string;
  /** SIGTERM, then SIGKILL if the process has not exited after 6 s. */
  stop(): Promise<void>;
}

/** Listens on port 0 for each port at once (so the two differ), reads them, then closes. */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer().listen(0, '127.0.0.1');
      servers.push(server);
      await once(server, 'listening');
    }
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/**
 * The MQTT engine a run asks for: MQDASH_ENGINE (the harness hands the whole environment to every
 * server it starts), else the default. Checked against the server's `mqdash listening` line, so an
 * e2e run with MQDASH_ENGINE=mqdash cannot pass on another engine. Resolves what is wrong, or null.
 */
export async function engineProblem(env: NodeJS.ProcessEnv, output: () => string, timeoutMs = 10_000): Promise<string | null> {
  // The line is logged at info: a quieter LOG_LEVEL leaves nothing to check.
  if (!['info', 'debug', 'trace', undefined].includes(env.LOG_LEVEL)) return null;
  // a clustered node (DATABASE_URL) always runs the own engine
  const expected = env.DATABASE_URL ? 'mqdash' : env.MQDASH_ENGINE || 'mqdash';
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = output().split('\n').find((l) => l.includes('"event":"mqdash listening"'));
    if (line) {
      const engine = (JSON.parse(line) as { engine?: unknown }).engine;
      return engine === expected ? null : `the server runs the ${String(engine)} engine, not ${expected} (MQDASH_ENGINE)`;
    }
    if (Date.now() > deadline) return `the server logged no "mqdash listening" line within ${timeoutMs / 1000} s`;
    await sleep(50);
  }
}

/**
 * The command that starts the compiled server. A stale build would test yesterday's code (and
 * start.mjs would spend the start-up timeout building it), so it must be fresh.
 */
export function serverCommand(): [string, string[]] {
  const state = buildState();
  if (state.state !== 'fresh') throw new Error(`the compiled build is ${state.state} (${state.reason}): run npm run build (npm run test:e2e builds first)`);
  return [process.execPath, ['scripts/start.mjs']];
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const [httpPort, mqttPort] = (await freePorts(2)) as [number, number];
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'mqdash-e2e-')));
  const adminPassword = opts.env?.ADMIN_PASSWORD ?? DEFAULT_ADMIN_PASSWORD;
  const baseUrl = `http://127.0.0.1:${httpPort}`;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ADMIN_PASSWORD: adminPassword,
    LOG_LEVEL: 'info',
    ...opts.env,
    HOST: '127.0.0.1',
    PORT: String(httpPort),
    MQTT_PORT: String(mqttPort),
    DATA_DIR: dataDir,
  };
  // Set by `node --test` for its own children; the server is not a test file.
  delete env.NODE_TEST_CONTEXT;

  const [command, args] = opts.command ?? serverCommand();
  const child = spawn(command, args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('error', (error) => collect(Buffer.from(`spawn error: ${error.message}\n`)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  // A test process that dies must not leave a server holding its ports.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (hasExited(child)) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  const fail = async (reason: string): Promise<never> => {
    await stop();
    throw new Error(`${reason}\n--- server output (tail) ---\n${output.slice(-4000)}`);
  };

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (hasExited(child)) {
      await fail(`server exited (code ${child.exitCode}, signal ${child.signalCode}) before /healthz answered`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) await fail(`GET ${baseUrl}/healthz did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s`);
    await sleep(100);
  }
  const wrongEngine = await engineProblem(env, () => output);
  if (wrongEngine) await fail(wrongEngine);

  return { baseUrl, httpPort, mqttPort, dataDir, adminPassword, child, output: () => output, stop };
}
