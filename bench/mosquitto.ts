/**
 * Debian's mosquitto as a benchmark baseline: installed with apt-get when missing (the bench runs
 * as root on the dev machine), started on a free 127.0.0.1 port with anonymous clients and no
 * persistence, and measured from /proc: RSS, CPU time, established connections.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BINARY = '/usr/sbin/mosquitto';

export interface Mosquitto {
  port: number;
  /** RSS and heap (RSS too: one number for a C broker) in bytes, CPU time in µs. */
  usage(): { rss: number; heapUsed: number; cpuMicros: number };
  /** Established TCP connections to its port. */
  connected(): number;
  stop(): Promise<void>;
}

/** Installs Debian's mosquitto package when the binary is missing. */
export function ensureMosquitto(): void {
  if (fs.existsSync(BINARY)) return;
  execFileSync('apt-get', ['install', '-y', '-q', 'mosquitto'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function usageOf(pid: number) {
  // /proc/<pid>/stat: after the ")" of the command name, utime and stime are fields 12 and 13
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMicros = ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond;
  const rssKB = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { rss: rssKB * 1024, heapUsed: rssKB * 1024, cpuMicros };
}

function establishedOn(port: number): number {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let count = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (local?.endsWith(hex) && state === '01') count++;
    }
  }
  return count;
}

export async function startMosquitto(): Promise<Mosquitto> {
  ensureMosquitto();
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bench-mosquitto-'));
  const config = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(config, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest none', 'user root', ''].join('\n'));
  const proc: ChildProcess = spawn(BINARY, ['-c', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  // listening once a TCP connection is accepted
  for (let i = 0; ; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) break;
    if (i > 100 || proc.exitCode !== null) throw new Error(`mosquitto did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    usage: () => usageOf(proc.pid!),
    connected: () => establishedOn(port),
    stop: async () => {
      proc.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
