/**
 * Issue 13 "First start" on the real server (startServer: real listeners, a real SQLite file):
 * the `mqdash listening` line says in words where to go and how to sign in, naming the generated
 * password's file only on the start that generated it; `GET /bff/first-start` (unauthenticated, a
 * boolean) stays true across a restart until the first successful sign-in, and is never true when
 * ADMIN_PASSWORD made the account.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../config.ts';
import { dashboardUrl, runningMessage, startServer, type RunningServer } from '../server.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Starts the server on `dir` with a log that keeps its raw lines; `args` adds flags. */
async function start(dir: string, args: string[] = []): Promise<{ server: RunningServer; lines: string[] }> {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (l: string) => { lines.push(l); } });
  const server = await startServer(loadConfig(['--port', '0', '--mqtt-port', '0', '--data-dir', dir, ...args], {}), log);
  return { server, lines };
}

const listeningLine = (lines: string[]) => {
  const found = lines.filter((l) => l.includes('"event":"mqdash listening"'));
  assert.equal(found.length, 1, 'one listening line');
  assert.equal(found[0]!.trimEnd().split('\n').length, 1, 'one JSON line');
  return JSON.parse(found[0]!) as { msg: string; url: string; httpPort: number };
};

const firstStart = async (port: number) => {
  const res = await fetch(`http://127.0.0.1:${port}/bff/first-start`);
  assert.equal(res.status, 200);
  return res.json();
};

test('a generated password: the log names its file, the login hint stays until the first sign-in', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-first-start-'));
  dirs.push(dir);
  let { server, lines } = await start(dir);
  try {
    const line = listeningLine(lines);
    const file = path.join(dir, 'initial-admin-password');
    assert.equal(line.msg, `mqdash is running: open http://127.0.0.1:${server.httpPort} and sign in as admin (first password in ${file})`);
    assert.equal(line.url, `http://127.0.0.1:${server.httpPort}`);
    // The endpoint says whether, and nothing else.
    assert.deepEqual(await firstStart(server.httpPort), { firstStart: true });
  } finally {
    await server.close();
  }

  // A restart before anyone signed in: the account existed, so the log names no file; the hint stays.
  ({ server, lines } = await start(dir));
  try {
    assert.equal(listeningLine(lines).msg, `mqdash is running: open http://127.0.0.1:${server.httpPort} and sign in as admin`);
    assert.deepEqual(await firstStart(server.httpPort), { firstStart: true });
    const wrong = await fetch(`http://127.0.0.1:${server.httpPort}/bff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'not-the-password' }) });
    assert.equal(wrong.status, 401);
    assert.deepEqual(await firstStart(server.httpPort), { firstStart: true }, 'a failed sign-in keeps the hint');
    const password = fs.readFileSync(path.join(dir, 'initial-admin-password'), 'utf8').trim();
    const ok = await fetch(`http://127.0.0.1:${server.httpPort}/bff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    assert.equal(ok.status, 200);
    assert.deepEqual(await firstStart(server.httpPort), { firstStart: false });
  } finally {
    await server.close();
  }

  ({ server } = await start(dir));
  try {
    assert.deepEqual(await firstStart(server.httpPort), { firstStart: false }, 'still false after a restart');
  } finally {
    await server.close();
  }
});

test('ADMIN_PASSWORD: the log names no file and the login page shows no hint', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-first-start-'));
  dirs.push(dir);
  const { server, lines } = await start(dir, ['--admin-password', 'given-admin-password']);
  try {
    const line = listeningLine(lines);
    assert.equal(line.msg, `mqdash is running: open http://127.0.0.1:${server.httpPort} and sign in as admin`);
    assert.doesNotMatch(lines.join(''), /initial-admin-password/);
    assert.deepEqual(await firstStart(server.httpPort), { firstStart: false });
  } finally {
    await server.close();
  }
});

test('the default data folder is written as ./data, a wildcard host as loopback', () => {
  assert.equal(runningMessage(dashboardUrl('127.0.0.1', 8080), path.join('./data', 'initial-admin-password')),
    'mqdash is running: open http://127.0.0.1:8080 and sign in as admin (first password in ./data/initial-admin-password)');
  assert.equal(dashboardUrl('0.0.0.0', 8080), 'http://127.0.0.1:8080');
  assert.equal(dashboardUrl('::', 9090), 'http://[::1]:9090');
  assert.equal(dashboardUrl('fd00::5', 80), 'http://[fd00::5]:80');
});
