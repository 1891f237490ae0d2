// The live feed (DESIGN §5) end to end: real MQTT clients and a second browser tab change
// sessions, and the open dashboard follows without a reload — the table's rows, statuses and
// rates, the Overview counts — and its live indicator survives a server restart.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { jsonApi, type JsonApi } from './helpers/api';
import { launchBrowser } from './helpers/browser';
import { assertConsoleErrors, chooseTheme, confirm, eventually, newPage, READ, screenshot, sessionsTable, signIn, tableRow } from './helpers/dashboard';
import { assertNotReloaded, assertOnlyDowntimeErrors, liveIndicator, markPage, restartServer, rowCells, waitForLiveState } from './helpers/live';
import { closeAllClients, connectClient, publishMessages, waitForServerClose } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';

let server: RunningServer;
let browser: Browser;
let api: JsonApi;
/** The tab that watches: opened once, never reloaded (until the restart test signs in again). */
let page: Page;
/** The other tab, where an administrator acts. */
let other: Page | undefined;
const clients = new Map<string, MqttClient>();

/** A persistent MQTT 5 session: it stays in the table (disconnected) after a ban ends its connection. */
const connect = async (name: string) => {
  const client = await connectClient(server.mqttPort, name, { protocolVersion: 5, clean: false, sessionExpiryInterval: 3600 });
  clients.set(name, client);
  return client;
};

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  api = await jsonApi(server);
  page = await newPage(browser);
  await signIn(page, server, '/sessions');
  await waitForLiveState(page, 'live');
});

after(async () => {
  await closeAllClients();
  await browser?.close();
  await server?.stop();
});

const summary = (p: Page) => p.locator('.list-summary');
const cellsOf = (name: string) => rowCells(page, tableRow(page, name));

/** Bans a session the way an administrator does in another tab: its detail page, Ban, confirm. */
async function banFromOtherTab(name: string): Promise<void> {
  if (other) await other.goto(`${server.baseUrl}/sessions/${encodeURIComponent(name)}`);
  else {
    other = await newPage(browser);
    await signIn(other, server, `/sessions/${encodeURIComponent(name)}`);
  }
  const actions = other.getByRole('toolbar', { name: 'Session actions' });
  await actions.getByRole('button', { name: 'Ban', exact: true }).click();
  await confirm(other, 'Ban 1 session?', 'Ban 1 session');
  await eventually(async () => assert.equal((await api.describe(name)).sessionStatus, 'banned'));
}

test('a client that connects appears in the open table, and the total follows, without a reload', async () => {
  assert.equal(await sessionsTable(page).count(), 1);
  await eventually(async () => assert.equal((await summary(page).textContent(READ))?.trim(), '0 sessions'));
  await markPage(page);

  await connect('live-1');
  await tableRow(page, 'live-1').waitFor();
  await eventually(async () => assert.equal((await summary(page).textContent(READ))?.trim(), '1 session'));
  const row = await cellsOf('live-1');
  assert.equal(row.Connection, 'Connected');
  assert.equal(row.Status, 'Normal');

  await connect('live-2');
  await tableRow(page, 'live-2').waitFor();
  await eventually(async () => assert.equal((await summary(page).textContent(READ))?.trim(), '2 sessions'));
  await assertNotReloaded(page);
  assertConsoleErrors(page);
});

test('a client that publishes: its publish rate moves in the table (re-announced every 5 s)', async () => {
  assert.equal((await cellsOf('live-1'))['Publish/min'], '0');
  await publishMessages(clients.get('live-1')!, 'live/test', 30);
  await eventually(async () => assert.equal((await cellsOf('live-1'))['Publish/min'], '30'), 15_000);
  await publishMessages(clients.get('live-1')!, 'live/test', 12);
  await eventually(async () => assert.equal((await cellsOf('live-1'))['Publish/min'], '42'), 15_000);
  assert.equal((await cellsOf('live-2'))['Publish/min'], '0', 'the idle client stays at 0');
  await assertNotReloaded(page);
  assertConsoleErrors(page);
});

test('a ban from another tab: the first tab shows Banned and Disconnected without a reload', async () => {
  await banFromOtherTab('live-1');
  // Timed from the confirmed ban, not from opening and signing in to the other tab (slow on a busy machine).
  await waitForServerClose(clients.get('live-1')!);
  await eventually(async () => {
    const row = await cellsOf('live-1');
    assert.equal(row.Status, 'Banned');
    assert.equal(row.Connection, 'Disconnected');
  });
  assert.equal((await cellsOf('live-2')).Connection, 'Connected', 'the other client is untouched');
  await assertNotReloaded(page);
  assertConsoleErrors(page);
  assertConsoleErrors(other!);
});

test('the Overview counts follow a connect and a ban from another tab; light and dark screenshots', async () => {
  await page.getByRole('link', { name: 'Overview', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  const link = (name: string) => page.getByRole('link', { name, exact: true });
  await link('Connected: 1 session').waitFor();
  await link('Banned: 1 session').waitFor();

  await connect('live-3');
  // The overview message comes every 5 s.
  await link('Connected: 2 sessions').waitFor({ timeout: 15_000 });

  await banFromOtherTab('live-3');
  await waitForServerClose(clients.get('live-3')!);
  await link('Connected: 1 session').waitFor({ timeout: 15_000 });
  await link('Banned: 2 sessions').waitFor();
  await link('Disconnected: 2 sessions').waitFor();
  await assertNotReloaded(page);

  await chooseTheme(page, 'Light');
  await screenshot(page, 'overview-light');
  await chooseTheme(page, 'Dark');
  await screenshot(page, 'overview-dark');
  await chooseTheme(page, 'System');
  assertConsoleErrors(page);
  assertConsoleErrors(other!);
});

test('the live indicator says reconnecting while the server is down, and live again after a restart', async (t) => {
  await page.getByRole('link', { name: 'Sessions', exact: true }).click();
  await tableRow(page, 'live-2').waitFor();
  await waitForLiveState(page, 'live');
  await other?.close();
  other = undefined;
  await closeAllClients();

  await server.stop();
  await waitForLiveState(page, /reconnecting|offline/, 20_000);
  // Stay down over a few attempts (1 s, 2 s, … backoff).
  await page.waitForTimeout(3_000);
  assert.match((await liveIndicator(page).getAttribute('aria-label')) ?? '', /^Live updates: (reconnecting|offline)$/);

  server = await restartServer(server);
  // The BFF's sign-in did not survive the restart: the app asks again, then the feed comes back.
  const signInHeading = page.getByRole('heading', { level: 1, name: 'Sign in', exact: true });
  const live = page.getByRole('status', { name: 'Live updates: live', exact: true });
  const reconnect = page.getByRole('button', { name: 'Reconnect', exact: true });
  await eventually(async () => {
    if (await reconnect.isVisible()) await reconnect.click().catch(() => {});
    if (await signInHeading.isVisible()) return;
    assert.ok(await live.isVisible(), `indicator: ${await liveIndicator(page).getAttribute('aria-label', READ).catch(() => '?')}`);
  }, 45_000, 500);
  if (await signInHeading.isVisible()) {
    t.diagnostic('after the restart the app asked to sign in again');
    await page.getByLabel('Username', { exact: true }).fill('admin');
    await page.getByLabel('Password', { exact: true }).fill(server.adminPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
  }
  await waitForLiveState(page, 'live', 30_000);
  await page.goto(`${server.baseUrl}/sessions`);
  await waitForLiveState(page, 'live', 30_000);
  const row = await eventually(async () => {
    const cells = await cellsOf('live-1');
    assert.equal(cells.Status, 'Banned', 'the ban survived the restart');
    return cells;
  });
  assert.equal(row.Connection, 'Disconnected');

  // And the feed works again: a new client appears live.
  await markPage(page);
  await connect('live-4');
  await tableRow(page, 'live-4').waitFor();
  await assertNotReloaded(page);
  const errors = assertOnlyDowntimeErrors(page);
  t.diagnostic(`${errors.length} console errors while the server was down or had forgotten the sign-in (all allowed kinds)`);
});
