/**
 * Request/reply over the Node IPC channel between bench/run.ts and its child processes (brokers,
 * load generator). Each child runs in its own process so it gets a core of its own.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

type Msg = { id?: number; error?: string; [k: string]: unknown };

/** What a broker process answers to `stats`, and the load generator to `snapshot`. */
export interface BrokerStats { rss: number; heapUsed: number; cpuMicros: number; t: number; clients: number }
export interface GeneratorSnapshot { received: number; published: number; t: number; cpuMicros: number }
export interface Listening { port: number; startMs: number; httpPort?: number }
export type Handler = (msg: Msg) => unknown;

const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(benchDir, '..');

export class Child {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly exited: Promise<number | null>;

  private constructor(readonly proc: ChildProcess, readonly name: string) {
    proc.on('message', (m: Msg) => {
      const w = m.id !== undefined ? this.waiting.get(m.id) : undefined;
      if (!w) return;
      this.waiting.delete(m.id!);
      if (m.error) w.reject(new Error(`${name}: ${m.error}`));
      else w.resolve(m);
    });
    this.exited = new Promise((resolve) => proc.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`${name} exited (${code})`));
      this.waiting.clear();
      resolve(code);
    }));
  }

  /** Starts `bench/<file>` under tsx; --expose-gc lets memory readings start from a collected heap. */
  static start(file: string, args: string[], name: string): Child {
    // BENCH_CPU_PROF=1: V8 CPU profiles of the children in bench/results/profiles (open in Chrome DevTools).
    const prof = process.env.BENCH_CPU_PROF === '1' ? ['--cpu-prof', `--cpu-prof-dir=${path.join(benchDir, 'results', 'profiles')}`] : [];
    const proc = fork(path.join(benchDir, file), args, {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx', '--expose-gc', ...prof],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' },
    });
    return new Child(proc, name);
  }

  request<T = Record<string, never>>(msg: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ ...msg, id });
    });
  }

  /** Asks the child to exit (so a CPU profile gets written), then signals it if it does not. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.request({ cmd: 'exit' }).catch(() => {});
    const exited = await Promise.race([this.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
    if (exited) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Child side: answers each request with its handler's result (or its error). */
export function serve(handlers: Record<string, Handler>): void {
  process.on('message', async (m: Msg) => {
    try {
      if (m.cmd === 'exit') {
        await handlers.close?.(m);
        process.exit(0);
      }
      const h = handlers[m.cmd as string];
      if (!h) throw new Error(`unknown command ${String(m.cmd)}`);
      const out = (await h(m)) ?? {};
      process.send!({ ...out, id: m.id });
    } catch (err) {
      process.send!({ id: m.id, error: (err as Error).stack ?? String(err) });
    }
  });
  // The parent going away ends the child; nothing is left running.
  process.on('disconnect', () => process.exit(0));
}
