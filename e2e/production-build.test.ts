// The production build (issue 14): `npm start` and the compiled entry run with plain node and serve
// the dashboard, the BFF login, the JSON API and MQTT, with no tsx or esbuild process anywhere;
// where the build cannot be made (no dev dependencies), a missing or stale build stops the start
// with a message saying why.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { outputs } from '../scripts/build-state.mjs';
import { startServer, type RunningServer } from './helpers/server';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const servers: RunningServer[] = [];
const dirs: string[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** The pids below `root` in the process tree, with their command lines. */
function descendants(root: number): Array<{ pid: number; cmdline: string }> {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name (field 2) may hold spaces and parentheses: fields after the last ')'.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out: Array<{ pid: number; cmdline: string }> = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== pid) continue;
      let cmdline: string;
      try {
        cmdline = fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        continue;
      }
      out.push({ pid: child, cmdline });
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** What the server process runs: its command line and the NODE_OPTIONS it was given. */
function processFacts(pid: number): { cmdline: string; nodeOptions: string } {
  const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  return { cmdline, nodeOptions: environ.find((e) => e.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length) ?? '' };
}

async function checkServes(server: RunningServer): Promise<void> {
  // The dashboard: its page, and an SPA route (the login page) served by the same index.html.
  for (const route of ['/', '/login']) {
    const res = await fetch(`${server.baseUrl}${route}`);
    assert.equal(res.status, 200, route);
    const html = await res.text();
    assert.match(html, /<div id="root"><\/div>/, `${route} serves the built dashboard`);
    const script = /<script type="module" crossorigin src="(\/assets\/index-[\w-]+\.js)"><\/script>/.exec(html)?.[1];
    assert.ok(script, `${route}: the page loads the bundled app`);
    assert.equal((await fetch(`${server.baseUrl}${script}`)).status, 200, script);
  }
  // The BFF sign-in the login page uses, and the JSON action API.
  const login = await fetch(`${server.baseUrl}/bff/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: server.adminPassword }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  assert.ok(login.headers.get('set-cookie'), 'the sign-in sets its cookie');
  const session = await (await fetch(`${server.baseUrl}/api`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ action: 'createSession', params: { username: 'admin', password: server.adminPassword } }),
  })).json() as { errorCode: number; authToken: string };
  assert.equal(session.errorCode, 0);
  // MQTT: a message goes round through the broker, and the registry saw the client.
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { clientId: 'prod-build-client', reconnectPeriod: 0, protocolVersion: 5 });
  try {
    await client.subscribeAsync('prod/build', { qos: 1 });
    const got = new Promise<[string, Buffer]>((resolve) => client.once('message', (t, p) => resolve([t, p])));
    await client.publishAsync('prod/build', 'compiled', { qos: 1 });
    const [topic, payload] = await got;
    assert.equal(topic, 'prod/build');
    assert.equal(payload.toString(), 'compiled');
    const list = await (await fetch(`${server.baseUrl}/api`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ action: 'listMqSessions', params: { partialClientName: 'prod-build' }, authToken: session.authToken }),
    })).json() as { errorCode: number; result: { data: Array<{ clientName: string; connectionStatus: string }> } };
    assert.deepEqual(list.result.data.map((r) => [r.clientName, r.connectionStatus]), [['prod-build-client', 'connected']]);
  } finally {
    await client.endAsync();
  }
}

function assertPlainNode(server: RunningServer, entry: RegExp): void {
  const pid = server.child.pid!;
  const facts = processFacts(pid);
  assert.match(facts.cmdline, entry);
  assert.doesNotMatch(facts.cmdline, /tsx|esbuild|--import|--loader/, 'the server runs with plain node');
  assert.doesNotMatch(facts.nodeOptions, /tsx|--import|--loader/, 'and no loader comes in through NODE_OPTIONS');
  assert.deepEqual(descendants(pid), [], 'the server has no child process (tsx and vite start esbuild ones)');
}

test('npm start (scripts/start.mjs) runs the compiled server with plain node: dashboard, sign-in, JSON API and MQTT', async () => {
  const server = await startServer();
  servers.push(server);
  assertPlainNode(server, /^\S*node scripts\/start\.mjs\s*$/);
  await checkServes(server);
  assertPlainNode(server, /^\S*node scripts\/start\.mjs\s*$/);
});

test('the compiled entry apps/server/dist/index.js runs on its own with plain node', async () => {
  const server = await startServer({ command: [process.execPath, [outputs.server]] });
  servers.push(server);
  assertPlainNode(server, /^\S*node apps\/server\/dist\/index\.js\s*$/);
  await checkServes(server);
});

/** A copy of the checkout without node_modules: as after `npm ci --omit=dev`, nothing can build. */
function copyWithoutTools(withBuild: boolean): string {
  const dest = tempDir('mqdash-nodev-');
  const skip = /(^|\/)(node_modules|\.git|\.tmp|data|test-results|screenshots|results)(\/|$)/;
  fs.cpSync(repoRoot, dest, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(repoRoot, src);
      return !skip.test(rel) && (withBuild || !/(^|\/)dist(\/|$)/.test(rel));
    },
  });
  return dest;
}

function start(dir: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['scripts/start.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATA_DIR: path.join(dir, 'data') } });
  return { status: r.status, stderr: r.stderr };
}

test('without the build tools, a missing build stops npm start with a message that says what to do', () => {
  const dir = copyWithoutTools(false);
  const r = start(dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /the compiled build is missing \(.*does not exist\), and it cannot be built here/);
  assert.match(r.stderr, /npm ci && npm run build/);
  assert.equal(fs.existsSync(path.join(dir, 'data')), false, 'nothing was started');
});

test('without the build tools, a stale build stops npm start and names the changed source', () => {
  const dir = copyWithoutTools(true);
  const file = path.join(dir, 'packages/broker/src/broker.ts');
  fs.appendFileSync(file, '\n// changed after the build\n');
  const r = start(dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /the compiled build is stale \(1 source file\(s\) differ from the build of .*: packages\/broker\/src\/broker\.ts changed\)/);
  assert.equal(fs.existsSync(path.join(dir, 'data')), false, 'nothing was started');
});

test('the mqdash command is a bin entry of the package, with --help', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.equal(pkg.bin.mqdash, 'bin/mqdash.mjs');
  const r = spawnSync(process.execPath, [pkg.bin.mqdash, '--help'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Usage: mqdash <command>/);
  for (const command of ['backup <file>', 'restore <file>', 'reset-admin-password']) assert.ok(r.stdout.includes(command), command);
  const wrong = spawnSync(process.execPath, [pkg.bin.mqdash, 'frobnicate'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /unknown command "frobnicate"/);
});

test('a stray child would be seen: the process check finds a child of a test process', async () => {
  // The check above must be able to fail: a child started here shows up under this process.
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  await once(child, 'spawn');
  try {
    assert.ok(descendants(process.pid).some((d) => d.pid === child.pid));
  } finally {
    child.kill();
  }
});
