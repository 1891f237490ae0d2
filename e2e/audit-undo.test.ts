// Issue 13, history and undo, against the real server with real mqtt.js clients: a bulk ban is
// undone from its result panel (the clients connect again), the session's timeline shows connects,
// disconnects, refusals and the admin actions with what changed (before → after), newest first,
// and a single Hide on the detail page is undone there. Screenshots go to e2e/screenshots.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { jsonApi, type JsonApi } from './helpers/api';
import { launchBrowser } from './helpers/browser';
import {
  assertConsoleErrors, confirm, eventually, leaveApp, newPage, screenshot, SCREENSHOT_DIR, signIn, waitForTableNames, waitForToast,
} from './helpers/dashboard';
import { attemptConnect, closeAllClients, connectClient, endClient, waitForServerClose } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';

const NAMES = ['undo-1', 'undo-2'];

let server: RunningServer;
let browser: Browser;
let api: JsonApi;
let page: Page;
const clients = new Map<string, MqttClient>();

const connect = (name: string) => connectClient(server.mqttPort, name, { protocolVersion: 5, clean: false, sessionExpiryInterval: 3600 });

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  api = await jsonApi(server);
  for (const name of NAMES) clients.set(name, await connect(name));
  page = await newPage(browser);
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, server);
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(async () => {
  await closeAllClients();
  await browser?.close();
  await server?.stop();
  if (server) await rm(server.dataDir, { recursive: true, force: true });
});

const bar = () => page.getByRole('toolbar', { name: 'Bulk actions' });
const statusOf = async (name: string) => (await api.describe(name)).sessionStatus;

test('a bulk ban offers Undo for 10 minutes; Undo restores both sessions and their clients connect again', async () => {
  await page.goto(`${server.baseUrl}/sessions?prefix=undo-`);
  await waitForTableNames(page, NAMES);
  for (const name of NAMES) await page.getByRole('checkbox', { name: `Select ${name}`, exact: true }).check();
  const closed = NAMES.map((name) => waitForServerClose(clients.get(name)!));
  await bar().getByRole('button', { name: 'Ban', exact: true }).click();
  await confirm(page, 'Ban 2 sessions?', 'Ban 2 sessions');
  const panel = page.getByRole('status').filter({ has: page.getByRole('heading', { name: 'Ban: 2 succeeded, 0 failed', exact: true }) });
  await panel.waitFor();
  await Promise.all(closed);
  for (const name of NAMES) assert.equal(await statusOf(name), 'banned');
  assert.deepEqual((await attemptConnect(server.mqttPort, 'undo-1', 5)).reasonCode, 0x8a, 'banned: refused');

  await panel.getByText(/^Undo is possible until .+ \(10 minutes after the change\)\.$/).waitFor();
  await screenshot(page, 'bulk-ban-undo', { fullPage: false });
  await panel.getByRole('button', { name: 'Undo ban', exact: true }).click();
  await waitForToast(page, 'Ban undone');
  await panel.getByRole('button', { name: 'Undo ban', exact: true }).waitFor({ state: 'detached' });
  for (const name of NAMES) assert.equal(await statusOf(name), 'normal', `${name} is normal again`);
  // Undo never reconnects anything: the clients come back by themselves, and are let in.
  for (const name of NAMES) {
    await endClient(clients.get(name)!);
    clients.set(name, await connect(name));
  }
  await eventually(async () => assert.equal((await api.describe('undo-1')).connectionStatus, 'connected'));
  assertConsoleErrors(page);
});

test('the session timeline shows connects, disconnects, the refusal and the admin actions with what changed, newest first', async () => {
  // A change of several fields through the JSON API: each is a line of the diff.
  await api.ok('alterMqSession', { clientName: 'undo-1', maxHealthySendRatePerMinute: 600, label: { group: 'site', name: 'north' } });
  await page.goto(`${server.baseUrl}/sessions/undo-1`);
  const timeline = page.locator('.session-timeline');
  await timeline.getByRole('heading', { name: 'Timeline', exact: true }).waitFor();
  const items = timeline.getByRole('listitem').filter({ has: page.locator('.timeline-time') });
  const lines = async () => (await items.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  await eventually(async () => {
    const all = await lines();
    // Newest first: the API change on top, then the reconnect after the undo; the first connect at the bottom.
    assert.match(all[0]!, /Admin admin \(administrator\) changed the session via JSON API Highest healthy publish rate \(\/min\): 0 → 600 Label: none → site\/north$/, all.join('\n'));
    assert.match(all[1]!, /Connect connected from 127\.0\.0\.1 with MQTT 5\.0/, all.join('\n'));
    assert.ok(all.some((l) => /Admin admin \(administrator\) undid a change of the session via dashboard Status: Banned → Normal/.test(l)), all.join('\n'));
    assert.ok(all.some((l) => /Admin admin \(administrator\) changed the session via dashboard Status: Normal → Banned/.test(l)), all.join('\n'));
    assert.ok(all.some((l) => /Refused connect refused: session is banned/.test(l)), all.join('\n'));
    assert.ok(all.some((l) => /Disconnect disconnected:/.test(l)), all.join('\n'));
    const undoAt = all.findIndex((l) => l.includes('undid a change'));
    const banAt = all.findIndex((l) => l.includes('Normal → Banned'));
    const refusedAt = all.findIndex((l) => l.includes('connect refused'));
    assert.ok(undoAt < refusedAt && refusedAt < banAt, `newest first:\n${all.join('\n')}`);
    assert.equal(all.at(-1)!.includes('Connect connected from 127.0.0.1 with MQTT 5.0'), true, 'the first connect is last');
  });
  // Each line has a machine-readable time.
  for (const time of await timeline.locator('time').all()) assert.ok(Date.parse((await time.getAttribute('datetime')) ?? '') > 0);
  await screenshot(page, 'session-timeline-page');
  await timeline.screenshot({ path: `${SCREENSHOT_DIR}session-timeline.png`, animations: 'disabled' });
  assertConsoleErrors(page);
});

test('Hide on the detail page is undone there, and the timeline records both with the diff', async () => {
  await page.goto(`${server.baseUrl}/sessions/undo-2`);
  const actions = page.getByRole('toolbar', { name: 'Session actions' });
  await actions.getByRole('button', { name: 'Hide', exact: true }).click();
  await waitForToast(page, 'Session hidden');
  await eventually(async () => assert.equal(await statusOf('undo-2'), 'hidden'));
  await actions.getByRole('button', { name: 'Undo hide', exact: true }).click();
  await waitForToast(page, 'Hide undone');
  await eventually(async () => assert.equal(await statusOf('undo-2'), 'normal'));
  assert.equal(clients.get('undo-2')!.connected, true, 'hiding and its undo never disconnect the client');
  const timeline = page.locator('.session-timeline');
  await timeline.getByText('Status: Hidden → Normal').waitFor();
  await timeline.getByText('Status: Normal → Hidden').waitFor();
  assertConsoleErrors(page);
});
