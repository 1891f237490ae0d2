// Settings → Backup and Settings → Retention against the real (compiled) server: a backup
// downloads with the browser and is a sound copy of the server's database (its sessions, its
// accounts); the retention policy refuses a bad value beside its field, shows the dry run's counts,
// and asks with them before it is switched on.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Locator, Page } from 'playwright-core';
import { jsonApi, type JsonApi } from './helpers/api';
import { launchBrowser } from './helpers/browser';
import { assertConsoleErrors, chooseTheme, eventually, leaveApp, newPage, READ, screenshot, signIn, waitForToast } from './helpers/dashboard';
import { closeAllClients, connectClient } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';

let server: RunningServer;
let browser: Browser;
let page: Page;
let api: JsonApi;
let downloads: string;

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  downloads = await mkdtemp(join(tmpdir(), 'mqdash-e2e-downloads-'));
  api = await jsonApi(server);
  page = await newPage(browser);
  await signIn(page, server, '/settings/data');
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(async () => {
  await closeAllClients();
  await browser?.close();
  await server?.stop();
  if (server) await rm(server.dataDir, { recursive: true, force: true });
  if (downloads) await rm(downloads, { recursive: true, force: true });
});

const card = (name: string): Locator => page.getByRole('region', { name, exact: true });

/** The topic filters a database holds for a client, whichever engine wrote it (own engine: mqdash_sessions, aedes: mqtt_subscriptions). */
function storedFilters(db: Database.Database, clientId: string): string[] {
  const own = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'mqdash_sessions'").pluck().get() === 1;
  const query = own
    ? "SELECT json_extract(s.value, '$.filter') FROM mqdash_sessions, json_each(mqdash_sessions.state, '$.subscriptions') AS s WHERE client_id = ?"
    : 'SELECT topic FROM mqtt_subscriptions WHERE client_id = ?';
  return db.prepare(query).pluck().all(clientId) as string[];
}

test('Download a backup: the browser saves a sound copy of the database, and the server keeps none', async () => {
  // Something to find in the copy: a persistent MQTT session and an MQ API session.
  const device = await connectClient(server.mqttPort, 'e2e-backup-device', { clean: false, sessionExpiryInterval: 0xffffffff, subscribe: ['e2e/backup/#'] });
  await api.ok('createMqApiSession', { clientName: 'e2e-backup-api' });
  await page.goto(`${server.baseUrl}/settings/data`);
  await chooseTheme(page, 'Light');
  const backup = card('Backup');
  await backup.scrollIntoViewIfNeeded();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    backup.getByRole('button', { name: 'Download a backup', exact: true }).click(),
  ]);
  await waitForToast(page, 'Backup downloaded');
  assert.match(download.suggestedFilename(), /^mqdash-backup-[0-9TZ-]+\.db$/);
  const file = join(downloads, download.suggestedFilename());
  await download.saveAs(file);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const names = db.prepare("SELECT client_name FROM sessions WHERE client_name LIKE 'e2e-backup-%' ORDER BY 1").pluck().all();
    assert.deepEqual(names, ['e2e-backup-api', 'e2e-backup-device']);
    assert.deepEqual(storedFilters(db, 'e2e-backup-device'), ['e2e/backup/#']);
    assert.equal(db.prepare("SELECT count(*) FROM accounts WHERE username = 'admin'").pluck().get(), 1);
  } finally {
    db.close();
  }
  await backup.getByText(`Last backup: ${download.suggestedFilename()}`, { exact: false }).waitFor();
  await eventually(async () => assert.deepEqual(await readdir(join(server.dataDir, 'backups')), [], 'the server removed its copy once sent'));
  await screenshot(page, 'settings-backup-light', { fullPage: false });
  device.end(true);
  const audit = await api.ok<{ data: Array<{ action: string; actor: string; details: { source: string } }> }>('listAuditLog', { target: 'backup' });
  assert.deepEqual(audit.data.map((e) => [e.action, e.actor, e.details.source]), [['createBackup', 'admin', 'bff']]);
  assertConsoleErrors(page);
});

test('Retention: a bad value is named beside its field; the dry run counts; switching it on shows the counts and asks', async () => {
  await page.goto(`${server.baseUrl}/settings/data`);
  const retention = card('Retention');
  await retention.scrollIntoViewIfNeeded();
  const days = retention.getByLabel('Remove sessions not connected for', { exact: true });
  await eventually(async () => assert.equal(await days.inputValue(READ), '30'));
  await retention.getByText('It has not run yet.', { exact: false }).waitFor();

  // 0 days: refused in the page, nothing sent.
  await days.fill('0');
  await retention.getByRole('button', { name: 'Save', exact: true }).click();
  await retention.getByText('Must be at least 1', { exact: true }).waitFor();
  assert.equal((await api.ok<{ source: string }>('describeRetentionPolicy')).source, 'default');

  // Keep at most 2 audit entries: the dry run counts the others, and removes nothing.
  await days.fill('7');
  await retention.getByLabel('Keep at most', { exact: true }).fill('2');
  await retention.getByLabel('Keep session timeline events for', { exact: true }).fill('14');
  const entries = (await api.ok<{ data: unknown[] }>('listAuditLog', { maxRecords: 1000 })).data.length;
  assert.ok(entries >= 3, `${entries} audit entries`);
  await retention.getByRole('button', { name: 'Preview', exact: true }).click();
  const preview = retention.getByRole('status').filter({ hasText: 'If it ran now' });
  await preview.getByText(`it would remove ${entries - 2} audit log entries`, { exact: false }).waitFor();
  await screenshot(page, 'settings-retention-preview-light', { fullPage: false });
  assert.equal((await api.ok<{ data: unknown[] }>('listAuditLog', { maxRecords: 1000 })).data.length, entries, 'the preview removed nothing');

  // Switched on: the same counts come first, in the confirmation.
  await retention.getByRole('switch', { name: 'Apply the retention policy every hour' }).click();
  await retention.getByRole('button', { name: 'Save', exact: true }).click();
  const ask = page.getByRole('alertdialog', { name: 'Apply the retention policy?' });
  await ask.getByText(`it would remove ${entries - 2} audit log entries`, { exact: false }).waitFor();
  await screenshot(page, 'settings-retention-confirm-light', { fullPage: false });
  await ask.getByRole('button', { name: 'Save and apply', exact: true }).click();
  await waitForToast(page, 'Retention policy saved and on');
  const stored = await api.ok<{ source: string; updatedBy: string; policy: Record<string, unknown>; nextRunDateTime?: string }>('describeRetentionPolicy');
  assert.equal(stored.source, 'dashboard');
  assert.equal(stored.updatedBy, 'admin');
  assert.deepEqual([stored.policy.enabled, stored.policy.sessionsNotConnectedForDays, stored.policy.auditLogMaxEntries, stored.policy.sessionEventsMaxAgeDays], [true, 7, 2, 14]);
  assert.ok(stored.nextRunDateTime);
  await retention.getByText('Changed', { exact: false }).waitFor();
  assertConsoleErrors(page);
});
