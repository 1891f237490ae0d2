// Administrator accounts and roles (issue 12) against a real server, a real MQTT client and Debian's
// Chromium: the administrator creates a viewer and an operator in Settings → Accounts and changes a
// role there; the viewer then sees every page without one button that changes state; the operator
// acts on sessions but manages no accounts, keys or MQTT clients.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { jsonApi, type JsonApi } from './helpers/api';
import { launchBrowser } from './helpers/browser';
import { assertConsoleErrors, chooseTheme, eventually, leaveApp, newPage, screenshot, sessionsTable, signIn, waitForTableNames, waitForToast } from './helpers/dashboard';
import { closeAllClients, connectClient } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';

const VIEWER = { username: 'vera viewer', password: 'Vera-Viewer-Password' };
const OPERATOR = { username: 'otto', password: 'Otto-Operator-Password' };
/** Buttons that change state somewhere in the dashboard; a viewer must see none of them. */
const STATE_CHANGING = /^(Edit|Disconnect|Hide|Unhide|Ban|Unban|Mark inactive|Kick|Delete|Remove|Subscribe|Publish|Create|Enable|Disable|Reset password|Set password|Unban)\b/;

let server: RunningServer;
let browser: Browser;
let api: JsonApi;
let admin: Page;
const pages: Page[] = [];

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  api = await jsonApi(server);
  await connectClient(server.mqttPort, 'role-device', { protocolVersion: 5, subscribe: ['role/cmd/#'] });
  await api.ok('createMqApiSession', { clientName: 'role-inbox' });
  await api.ok('createApiKey', { name: 'role-tooling', role: 'operator' });
  await api.ok('createMqttUser', { username: 'role-sensor', password: 'Role-Sensor-1' });
  admin = await newPage(browser);
  pages.push(admin);
});

afterEach(async (t) => {
  for (const p of pages) await leaveApp(p, (message) => (t as TestContext).diagnostic(message));
});

after(async () => {
  await closeAllClients();
  await browser?.close();
  await server?.stop();
  if (server) await rm(server.dataDir, { recursive: true, force: true });
});

const accountsCard = (page: Page): Locator => page.getByRole('region', { name: 'Accounts', exact: true });
const accountRow = (page: Page, username: string): Locator =>
  accountsCard(page).getByRole('table', { name: 'Accounts' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${username}`) }) });

/** The names of the visible buttons in `scope` that change state. */
async function stateChangingButtons(scope: Locator): Promise<string[]> {
  const names = await scope.getByRole('button').evaluateAll((buttons) =>
    buttons.filter((b) => (b as HTMLElement).offsetParent !== null).map((b) => (b.getAttribute('aria-label') ?? b.textContent ?? '').trim()));
  return names.filter((n) => STATE_CHANGING.test(n));
}

test('an administrator creates a viewer and an operator in Settings → Accounts and changes a role there', async () => {
  await signIn(admin, server, '/settings/access');
  await accountsCard(admin).getByRole('table', { name: 'Accounts' }).waitFor();
  await chooseTheme(admin, 'Light');
  for (const [account, role] of [[VIEWER, 'Viewer'], [OPERATOR, 'Viewer']] as const) {
    await accountsCard(admin).getByRole('button', { name: 'Create account', exact: true }).click();
    const dialog = admin.getByRole('dialog', { name: 'Create account' });
    await dialog.getByLabel('Username', { exact: true }).fill(account.username);
    await dialog.getByLabel('Password', { exact: true }).fill(account.password);
    await dialog.getByLabel('Confirm password', { exact: true }).fill(account.password);
    // The role select starts at the least privilege.
    assert.match(await dialog.getByRole('button', { name: /\bRole\b/ }).innerText(), new RegExp(role));
    await dialog.getByRole('button', { name: 'Create account', exact: true }).click();
    await waitForToast(admin, 'Account created');
    await dialog.waitFor({ state: 'hidden' });
  }
  // otto becomes an operator through the row's role select.
  await accountRow(admin, OPERATOR.username).getByRole('button', { name: /Role of otto/ }).click();
  await admin.getByRole('listbox').getByRole('option', { name: 'Operator', exact: true }).click();
  await waitForToast(admin, 'Role changed');
  await eventually(async () => {
    const accounts = await api.ok<{ data: Array<{ username: string; role: string }> }>('listAccounts');
    assert.deepEqual(accounts.data.map((a) => [a.username, a.role]), [['admin', 'administrator'], ['otto', 'operator'], ['vera viewer', 'viewer']]);
  });
  // The administrator's own row offers no delete or password reset (those are for others).
  assert.deepEqual(await stateChangingButtons(accountRow(admin, 'admin')), []);
  await screenshot(admin, 'roles-settings-administrator');
  assertConsoleErrors(admin);
});

test('a viewer sees everything and no button that changes state, on every page', async () => {
  const page = await newPage(browser);
  pages.push(page);
  await signIn(page, server, '/sessions', VIEWER);
  await page.locator('.header-role', { hasText: 'viewer' }).waitFor();
  await waitForTableNames(page, ['role-device', 'role-inbox']);
  // No selection column, no bulk actions, no "Create MQ API session".
  assert.equal(await sessionsTable(page).getByRole('checkbox').count(), 0);
  assert.deepEqual(await stateChangingButtons(page.locator('main')), []);
  await screenshot(page, 'roles-viewer-sessions');

  await page.goto(`${server.baseUrl}/sessions/role-device`);
  await page.getByRole('region', { name: 'Subscriptions', exact: true }).getByText('role/cmd/#').waitFor();
  assert.equal(await page.getByRole('toolbar', { name: 'Session actions' }).count(), 0);
  assert.deepEqual(await stateChangingButtons(page.locator('main')), []);
  await screenshot(page, 'roles-viewer-session-detail');
  await page.getByRole('tab', { name: 'Messages' }).click();
  await page.getByRole('tabpanel').waitFor();
  assert.deepEqual(await stateChangingButtons(page.locator('main')), []);

  // Settings' sub-pages (issue 13): accounts and keys, MQTT clients, the own account.
  await page.goto(`${server.baseUrl}/settings/access`);
  await accountRow(page, OPERATOR.username).waitFor();
  await page.getByRole('region', { name: 'API keys', exact: true }).getByText('role-tooling').waitFor();
  // The roles are shown as text, the anonymous switch cannot be flipped, the own password can be changed.
  assert.equal(await accountRow(page, OPERATOR.username).getByRole('cell').first().innerText(), 'Operator');
  assert.deepEqual(await stateChangingButtons(page.locator('main')), []);
  await page.goto(`${server.baseUrl}/settings/mqtt`);
  await page.getByRole('region', { name: 'MQTT clients', exact: true }).getByText('role-sensor').waitFor();
  assert.equal(await page.getByRole('switch', { name: 'Allow anonymous MQTT clients' }).isDisabled(), true);
  assert.deepEqual(await stateChangingButtons(page.locator('main')), []);
  await page.goto(`${server.baseUrl}/settings/account`);
  await page.getByRole('button', { name: 'Change password', exact: true }).waitFor();
  await page.getByRole('region', { name: 'Account', exact: true }).getByText('Viewer', { exact: true }).waitFor();
  await screenshot(page, 'roles-viewer-settings');
  assertConsoleErrors(page);
});

test('an operator acts on sessions, and manages no accounts, keys or MQTT clients', async () => {
  const page = await newPage(browser);
  pages.push(page);
  await signIn(page, server, '/sessions/role-device', OPERATOR);
  const actions = page.getByRole('toolbar', { name: 'Session actions' });
  await actions.getByRole('button', { name: 'Hide', exact: true }).click();
  await waitForToast(page, 'Session hidden');
  await eventually(async () => assert.equal((await api.describe('role-device')).sessionStatus, 'hidden'));
  await actions.getByRole('button', { name: 'Unhide', exact: true }).click();
  await waitForToast(page, 'Session unhidden');

  await page.goto(`${server.baseUrl}/settings/access`);
  await accountRow(page, VIEWER.username).waitFor();
  for (const card of ['Accounts', 'API keys'])
    assert.deepEqual(await stateChangingButtons(page.getByRole('region', { name: card, exact: true })), [], card);
  await page.goto(`${server.baseUrl}/settings/mqtt`);
  const mqttClients = page.getByRole('region', { name: 'MQTT clients', exact: true });
  await mqttClients.getByText('role-sensor').waitFor();
  assert.deepEqual(await stateChangingButtons(mqttClients), [], 'MQTT clients');
  assertConsoleErrors(page);
});
