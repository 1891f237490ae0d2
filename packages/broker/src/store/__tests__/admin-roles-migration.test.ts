/**
 * Issue 12: an upgrade keeps every existing administrator account and API key all-powerful. A
 * database laid out as the version before roles wrote it (schema v1 and its extensions, no named
 * migrations) gains the role columns at open, every account and key becomes an administrator, and
 * the failed sign-in table appears; the accounts still sign in and manage keys.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { hashPassword } from '../../auth/password.ts';
import { createBroker } from '../../broker.ts';
import { APPLICATION_ID, SCHEMA_VERSION, schemaExtensions, schemaV1 } from '../schema.ts';
import { ApiKeyStore } from '../api-key-store.ts';
import { SqliteStore } from '../sqlite-store.ts';
import { tempDir } from '../../__tests__/helpers.ts';

async function databaseBeforeRoles(file: string): Promise<void> {
  const db = new Database(file);
  db.exec(schemaV1);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  db.exec(schemaExtensions);
  const now = Date.now();
  const insertAccount = db.prepare('INSERT INTO accounts (username, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)');
  insertAccount.run('admin', await hashPassword('old-admin-password'), now, now);
  insertAccount.run('second', await hashPassword('second-password-1'), now, now);
  db.prepare(`INSERT INTO api_keys (name, api_key, secret_hash, description, enabled, source, created_by, created_at, updated_at)
    VALUES ('ci', 'ci-key', ?, '', 1, 'dashboard', 'admin', ?, ?)`).run(await hashPassword('ci-secret'), now, now);
  db.close();
}

test('accounts and API keys from before roles become administrators; the migrations are recorded by name', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'mqdash.db');
  await databaseBeforeRoles(file);
  const store = new SqliteStore(file);
  try {
    assert.deepEqual(store.listAccounts().map((a) => [a.username, a.role, a.createdBy]), [['admin', 'administrator', null], ['second', 'administrator', null]]);
    assert.equal(new ApiKeyStore(store.db).get('ci')?.role, 'administrator');
    const names = store.db.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all();
    assert.ok(names.includes('2026-12-02-admin-roles') && names.includes('2026-12-02-sign-in-attempts'), String(names));
    assert.throws(() => store.db.prepare("UPDATE accounts SET role = 'root' WHERE username = 'admin'").run(), /CHECK constraint/);
  } finally {
    store.close();
  }

  // The upgraded accounts sign in and may still do everything.
  const broker = await createBroker({ dataDir: dir });
  try {
    const login = await broker.actions.run({ action: 'createSession', params: { username: 'second', password: 'second-password-1' } });
    assert.equal(login.errorCode, 0);
    const created = await broker.actions.run({ action: 'createApiKey', params: { name: 'after-upgrade' }, authToken: login.authToken });
    assert.equal(created.errorCode, 0, created.errorMessage);
    assert.equal((created.result as { role: string }).role, 'viewer', 'new keys are least-privilege unless a role is given');
  } finally {
    await broker.close();
  }
});
