// Row selection and bulk actions against a real server with real MQTT clients: ban three
// connected clients at once (their reconnects refused), unban them, mark one inactive, kick.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { jsonApi, type JsonApi } from './helpers/api';
import { launchBrowser } from './helpers/browser';
import {
  assertConsoleErrors, chooseFilterOptions, confirm, eventually, leaveApp, newPage, signIn, tableRow, waitForTableNames, waitForToast,
} from './helpers/dashboard';
import { attemptConnect, closeAllClients, connectClient, endClient, waitForServerClose, type ProtocolVersion } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';

/** Persistent sessions (MQTT 5 with an expiry, 3.1.1 with clean session off): they outlive a disconnect. */
const CLIENTS: Array<{ name: string; version: ProtocolVersion }> = [
  { name: 'bulk-1', version: 5 },
  { name: 'bulk-2', version: 4 },
  { name: 'bulk-3', version: 5 },
  { name: 'bulk-4', version: 5 },
];
const THREE = ['bulk-1', 'bulk-2', 'bulk-3'];

let server: RunningServer;
let browser: Browser;
let api: JsonApi;
let page: Page;
const clients = new Map<string, MqttClient>();

const connect = (name: string, version: ProtocolVersion) =>
  connectClient(server.mqttPort, name, { protocolVersion: version, clean: false, ...(version === 5 ? { sessionExpiryInterval: 3600 } : {}) });

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  api = await jsonApi(server);
  for (const { name, version } of CLIENTS) clients.set(name, await connect(name, version));
  page = await newPage(browser);
  await signIn(page, server);
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(async () => {
  await closeAllClients();
  await browser?.close();
  await server?.stop();
  if (server) await rm(server.dataDir, { recursive: true, force: true });
});

async function openList(): Promise<void> {
  await page.goto(`${server.baseUrl}/sessions?prefix=bulk-`);
  await waitForTableNames(page, CLIENTS.map((c) => c.name));
}

const cells = async (name: string) => tableRow(page, name).getByRole('cell').allTextContents();
const bar = () => page.getByRole('toolbar', { name: 'Bulk actions' });

test('bulk ban of three selected rows disconnects the three clients and refuses their reconnects', async () => {
  await openList();
  for (const name of THREE) await page.getByRole('checkbox', { name: `Select ${name}`, exact: true }).check();
  await bar().getByText('3 selected', { exact: true }).waitFor();

  const closed = THREE.map((name) => waitForServerClose(clients.get(name)!));
  await bar().getByRole('button', { name: 'Ban', exact: true }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Ban 3 sessions?' });
  assert.deepEqual(await dialog.getByRole('listitem').allTextContents(), THREE, 'the dialog names the sessions');
  await confirm(page, 'Ban 3 sessions?', 'Ban 3 sessions');
  await page.getByRole('heading', { name: 'Ban: 3 succeeded, 0 failed', exact: true }).waitFor();
  await waitForToast(page, 'Ban: done for 3 sessions');
  await Promise.all(closed);

  await eventually(async () => {
    for (const name of THREE) {
      const row = await cells(name);
      assert.equal(row[3], 'Disconnected', `${name} connection`);
      assert.equal(row[4], 'Banned', `${name} status`);
    }
  });
  assert.equal((await cells('bulk-4'))[3], 'Connected', 'the unselected client stays connected');
  assert.equal(clients.get('bulk-4')!.connected, true);

  for (const { name, version } of CLIENTS.filter((c) => THREE.includes(c.name))) {
    const attempt = await attemptConnect(server.mqttPort, name, version);
    if (version === 5) assert.deepEqual([attempt.accepted, attempt.reasonCode], [false, 0x8a], `${name}: MQTT 5 CONNACK 0x8A`);
    else assert.deepEqual([attempt.accepted, attempt.returnCode], [false, 5], `${name}: MQTT 3.1.1 return code 5`);
  }
  assertConsoleErrors(page);
});

test('"Select all" on the Banned filter, then bulk Unban lets the clients connect again', async () => {
  await openList();
  await chooseFilterOptions(page, 'Session status', ['Banned']);
  await waitForTableNames(page, THREE);
  await page.getByRole('checkbox', { name: 'Select all', exact: true }).check();
  await bar().getByText('3 selected', { exact: true }).waitFor();
  // Unban is not destructive: no confirmation.
  await bar().getByRole('button', { name: 'Unban', exact: true }).click();
  await page.getByRole('heading', { name: 'Unban: 3 succeeded, 0 failed', exact: true }).waitFor();
  await page.getByRole('heading', { name: 'Ban: 3 succeeded, 0 failed', exact: true }).waitFor({ state: 'detached' });
  await page.getByText('No sessions match these filters', { exact: true }).waitFor();
  await chooseFilterOptions(page, 'Session status', ['Banned']);
  await waitForTableNames(page, CLIENTS.map((c) => c.name));
  await page.getByRole('button', { name: 'Dismiss result', exact: true }).click();
  await page.getByRole('heading', { name: 'Unban: 3 succeeded, 0 failed', exact: true }).waitFor({ state: 'detached' });

  for (const { name, version } of CLIENTS.filter((c) => THREE.includes(c.name))) {
    await endClient(clients.get(name)!);
    clients.set(name, await connect(name, version));
  }
  await page.reload();
  await eventually(async () => {
    for (const name of THREE) assert.deepEqual((await cells(name)).slice(3, 5), ['Connected', 'Normal'], name);
  });
  assertConsoleErrors(page);
});

test('bulk Mark inactive asks first and marks the session inactive, without disconnecting its client', async () => {
  await openList();
  await page.getByRole('checkbox', { name: 'Select bulk-4', exact: true }).check();
  await bar().getByRole('button', { name: 'Mark inactive', exact: true }).click();
  await confirm(page, 'Mark inactive 1 session?', 'Mark inactive 1 session');
  await page.getByRole('heading', { name: 'Mark inactive: 1 succeeded, 0 failed', exact: true }).waitFor();
  await eventually(async () => assert.equal((await cells('bulk-4'))[4], 'Inactive'));
  const described = await api.describe('bulk-4');
  assert.equal(described.sessionStatus, 'inactive');
  // A status change (alterMqSession), not FairCom's deleteMqSession, which would disconnect (issue 9).
  assert.equal(described.connectionStatus, 'connected');
  assert.equal(clients.get('bulk-4')!.connected, true, 'the client stays connected');
  assertConsoleErrors(page);
});

test('bulk Kick disconnects the selected clients and deletes their sessions', async () => {
  await openList();
  const closed = THREE.map((name) => waitForServerClose(clients.get(name)!));
  for (const name of THREE) await page.getByRole('checkbox', { name: `Select ${name}`, exact: true }).check();
  await bar().getByRole('button', { name: 'Kick', exact: true }).click();
  await confirm(page, 'Kick 3 sessions?', 'Kick 3 sessions');
  await page.getByRole('heading', { name: 'Kick: 3 succeeded, 0 failed', exact: true }).waitFor();
  await Promise.all(closed);
  await waitForTableNames(page, ['bulk-4']);
  assert.deepEqual(await api.listNames({ partialClientName: 'bulk-' }), ['bulk-4']);
  // A kicked client may come back: it starts a new session.
  const again = await attemptConnect(server.mqttPort, 'bulk-1', 5);
  assert.equal(again.accepted, true);
  assertConsoleErrors(page);
});
