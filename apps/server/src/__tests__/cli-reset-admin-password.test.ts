/**
 * `mqdash reset-admin-password` (issue 14), run as its own process beside the running server
 * (startServer in this process, real listeners, a real SQLite file): it prints a new password
 * alone on stdout, the old one stops working, the account's JSON API tokens and dashboard sign-ins
 * end at once, and the reset is in the audit log with the operating-system user as the actor.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { createBroker } from '@mqdash/broker';
import { loadConfig } from '../config.ts';
import { startServer, type RunningServer } from '../server.ts';
import { runCli } from './cli-helpers.ts';

const OLD_PASSWORD = 'reset-old-admin-pw';
let dir: string;
let server: RunningServer;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-reset-'));
  server = await startServer(loadConfig(['--port', '0', '--mqtt-port', '0', '--data-dir', dir, '--admin-password', OLD_PASSWORD]), pino({ level: 'silent' }));
});
after(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const base = () => `http://127.0.0.1:${server.httpPort}`;
async function action(body: Record<string, unknown>): Promise<{ errorCode: number; errorMessage: string; authToken?: string; result?: any }> {
  const res = await fetch(`${base()}/api`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return res.json() as never;
}
const login = (password: string) => action({ action: 'createSession', params: { username: 'admin', password } });

test('reset-admin-password prints a new password; the old one, its tokens and its dashboard sign-ins stop working', async () => {
  const token = (await login(OLD_PASSWORD)).authToken!;
  assert.equal((await action({ action: 'pingSession', authToken: token })).errorCode, 0);
  const dashboard = await fetch(`${base()}/bff/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: OLD_PASSWORD }),
  });
  const cookie = dashboard.headers.get('set-cookie')!.split(';')[0]!;
  assert.equal((await fetch(`${base()}/bff/me`, { headers: { cookie } })).status, 200);

  const r = await runCli(['reset-admin-password', '--data-dir', dir]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, 'stdout holds the password alone');
  const password = lines[0]!;
  assert.match(password, /^[A-Za-z0-9_-]{24}$/);
  assert.match(r.stderr, /new password for the account "admin" \(its sign-ins have ended; recorded in the audit log\)/);

  assert.equal((await action({ action: 'pingSession', authToken: token })).errorCode, 12031, 'the old token ended');
  assert.equal((await fetch(`${base()}/bff/me`, { headers: { cookie } })).status, 401, 'the dashboard sign-in ended');
  assert.equal((await login(OLD_PASSWORD)).errorCode, 14011, 'the old password fails');
  const fresh = await login(password);
  assert.equal(fresh.errorCode, 0, 'the new password works');

  const audit = await action({ action: 'listAuditLog', params: { target: 'account:admin', maxRecords: 5 }, authToken: fresh.authToken });
  const entry = audit.result.data.find((e: { action: string }) => e.action === 'resetAdminPassword');
  assert.ok(entry, JSON.stringify(audit));
  assert.equal(entry.actor, `cli:${os.userInfo().username}`);
  assert.equal(entry.errorCode, 0);
  assert.doesNotMatch(JSON.stringify(audit), new RegExp(password), 'the audit log never holds the password');
});

test('reset-admin-password also lifts a sign-in lockout: the new password works at once from the locked-out address', async () => {
  // A broker of its own whose lockout lasts ten minutes, so it is still on when the command has run.
  const lockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-reset-lock-'));
  const policy = { freeAttempts: 2, baseDelayMs: 600_000, maxDelayMs: 600_000, windowMs: 3_600_000 };
  const broker = await createBroker({ dataDir: lockDir, adminPassword: OLD_PASSWORD, logger: pino({ level: 'silent' }), signInLimits: { perAddressAndAccount: policy } });
  try {
    const signIn = (password: string) => broker.actions.run({ action: 'createSession', params: { username: 'admin', password } }, { source: 'api', remoteAddress: '192.0.2.7' });
    let locked;
    for (let i = 0; i < 5 && locked?.errorCode !== 14030; i++) locked = await signIn('not-the-password');
    assert.equal(locked?.errorCode, 14030, 'the account is locked out from this address');
    assert.equal((await signIn(OLD_PASSWORD)).errorCode, 14030, 'even with the right password');
    const r = await runCli(['reset-admin-password', '--data-dir', lockDir]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await signIn(r.stdout.trim())).errorCode, 0, 'signed in with the new password, no wait');
  } finally {
    await broker.close();
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
});

test('reset-admin-password names a missing account or database and changes nothing', async () => {
  const r = await runCli(['reset-admin-password', '--user', 'nobody', '--data-dir', dir]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no administrator account is named "nobody"/);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-reset-empty-'));
  try {
    const r2 = await runCli(['reset-admin-password', '--data-dir', empty]);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /no database at .*mqdash\.db/);
    assert.deepEqual(fs.readdirSync(empty), [], 'no database was created');
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
  const r3 = await runCli(['reset-admin-password', 'extra', '--data-dir', dir]);
  assert.equal(r3.status, 2);
  const r4 = await runCli(['backup', 'x.db', '--user', 'admin', '--data-dir', dir]);
  assert.equal(r4.status, 2);
  assert.match(r4.stderr, /--user belongs to reset-admin-password/);
});
