// MQTT client accounts from Settings against a real server with real MQTT clients: create an
// account, switch anonymous access off (the anonymous client connected now is disconnected), then
// a client without credentials is refused, one with a wrong password too, and one with the
// account's credentials gets in. Then the client ID binding select refuses a client ID that is not
// the user name.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from './helpers/browser';
import { assertConsoleErrors, chooseTheme, confirm, eventually, leaveApp, newPage, READ, screenshot, signIn, waitForToast } from './helpers/dashboard';
import { closeAllClients, connectClient, endClient, waitForServerClose, type ProtocolVersion } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';

const USERNAME = 'line-7 sensors';
const PASSWORD = 'Line-Seven-Password';

let server: RunningServer;
let browser: Browser;
let page: Page;
const opened: MqttClient[] = [];

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  page = await newPage(browser);
  await signIn(page, server, '/settings/mqtt');
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(async () => {
  await Promise.all(opened.map((c) => endClient(c)));
  await closeAllClients();
  await browser?.close();
  await server?.stop();
  if (server) await rm(server.dataDir, { recursive: true, force: true });
});

/**
 * One CONNECT with optional credentials: 'accepted' (the client is kept open), or the CONNACK's
 * refusal code (3.1.1 return code, MQTT 5 reason code).
 */
function attempt(clientId: string, protocolVersion: ProtocolVersion, credentials?: { username: string; password: string }): Promise<'accepted' | number> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${server.mqttPort}`, { clientId, protocolVersion, reconnectPeriod: 0, connectTimeout: 10_000, ...credentials });
    opened.push(client);
    const timer = setTimeout(() => reject(new Error(`${clientId}: neither accepted nor refused within 10 s`)), 10_000);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve('accepted');
    });
    client.once('error', (error: Error & { code?: number }) => {
      clearTimeout(timer);
      client.end(true);
      resolve(error.code ?? -1);
    });
  });
}

const card = (): Locator => page.getByRole('region', { name: 'MQTT clients', exact: true });
const accountRow = (username: string): Locator => card().getByRole('table', { name: 'MQTT accounts' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: username, exact: true }) });

test('create an account and switch anonymous access off in Settings; MQTT clients without it are refused, with it get in', async () => {
  // An anonymous client connected before: switching anonymous access off disconnects it.
  const anonymous = await connectClient(server.mqttPort, 'e2e-anonymous-before', { protocolVersion: 5 });
  await page.goto(`${server.baseUrl}/settings/mqtt`);
  const anonymousSwitch = card().getByRole('switch', { name: 'Allow anonymous MQTT clients' });
  await eventually(async () => assert.equal(await anonymousSwitch.isChecked(READ), true));
  await card().getByText('No MQTT accounts yet.').waitFor();
  await chooseTheme(page, 'Light');

  // Create, first with a mistyped confirmation: the form says so and sends nothing.
  await card().getByRole('button', { name: 'Create account', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Create MQTT account' });
  await dialog.getByText('This is the first account', { exact: false }).waitFor();
  await dialog.getByLabel('User name', { exact: true }).fill(USERNAME);
  await dialog.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await dialog.getByLabel('Confirm password', { exact: true }).fill(`${PASSWORD}x`);
  await dialog.getByLabel('Description', { exact: true }).fill('PLCs of line 7');
  await dialog.getByRole('button', { name: 'Create account', exact: true }).click();
  await dialog.getByText('The two passwords differ', { exact: true }).waitFor();
  await screenshot(page, 'settings-mqtt-users-create-light', { fullPage: false });
  await dialog.getByLabel('Confirm password', { exact: true }).fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Create account', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await waitForToast(page, 'MQTT account created');
  const row = accountRow(USERNAME);
  await row.waitFor();
  const cells = await row.getByRole('cell').allTextContents();
  assert.equal(cells[0], 'Enabled');
  assert.equal(cells[1], 'PLCs of line 7');
  assert.equal(cells[2], '0');
  assert.match(cells[3]!, /by admin/);

  // Anonymous access off, confirmed in words that name the client to be disconnected.
  const closed = waitForServerClose(anonymous);
  await anonymousSwitch.click();
  const ask = page.getByRole('alertdialog', { name: 'Refuse anonymous MQTT clients?' });
  await ask.getByText('The 1 anonymous client connected now is disconnected at once', { exact: false }).waitFor();
  await screenshot(page, 'settings-mqtt-anonymous-off-light', { fullPage: false });
  await confirm(page, 'Refuse anonymous MQTT clients?', 'Refuse and disconnect 1 client');
  await waitForToast(page, 'Anonymous MQTT clients refused');
  assert.equal((await closed).disconnectReason, 0x87, 'the anonymous MQTT 5 client is told "Not authorized"');
  await eventually(async () => assert.equal(await anonymousSwitch.isChecked(READ), false));
  await card().getByText('Changed here by admin', { exact: false }).waitFor();

  // Real MQTT clients: no credentials refused (not authorized), a wrong password refused (bad
  // user name or password), the account's credentials accepted, on both protocol versions.
  assert.equal(await attempt('e2e-anon-4', 4), 5);
  assert.equal(await attempt('e2e-anon-5', 5), 0x87);
  assert.equal(await attempt('e2e-wrong-5', 5, { username: USERNAME, password: 'Not-The-Password' }), 0x86);
  assert.equal(await attempt('e2e-device-4', 4, { username: USERNAME, password: PASSWORD }), 'accepted');
  assert.equal(await attempt('e2e-device-5', 5, { username: USERNAME, password: PASSWORD }), 'accepted');

  // The table counts the account's two connected clients.
  await page.reload();
  await eventually(async () => assert.equal((await accountRow(USERNAME).getByRole('cell').allTextContents())[2], '2'));

  await card().scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-mqtt-users-light');
  await chooseTheme(page, 'System');
  assertConsoleErrors(page);
});

test('the client ID binding chosen in Settings refuses a client ID that is not the user name (issue 12)', async () => {
  await page.goto(`${server.baseUrl}/settings/mqtt`);
  const binding = card().getByRole('button', { name: /Client ID binding/ });
  await binding.click();
  await page.getByRole('listbox').getByRole('option', { name: 'Is the user name', exact: true }).click();
  await waitForToast(page, 'Client ID binding changed');
  await card().getByText('must use it as client ID', { exact: false }).waitFor();

  assert.equal(await attempt('e2e-not-the-name-5', 5, { username: USERNAME, password: PASSWORD }), 0x85);
  assert.equal(await attempt('e2e-not-the-name-4', 4, { username: USERNAME, password: PASSWORD }), 2);
  assert.equal(await attempt(USERNAME, 5, { username: USERNAME, password: PASSWORD }), 'accepted');

  // Back to MQTT's own rule: any client ID again.
  await binding.click();
  await page.getByRole('listbox').getByRole('option', { name: 'Any client ID', exact: true }).click();
  await waitForToast(page, 'Client ID binding changed');
  assert.equal(await attempt('e2e-any-id-5', 5, { username: USERNAME, password: PASSWORD }), 'accepted');
  assertConsoleErrors(page);
});
