// Issue 13 against a real server and a real MQTT client publishing above a low threshold: the
// Reason column and the detail say it in words, the limit's property name is on hover, the broken
// measure is marked; a destructive confirmation opens on Cancel; the edit dialog asks before
// discarding changes and Enter in a field does not submit it.
import assert from 'node:assert/strict';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import type { MqttClient } from 'mqtt';
import type { Browser, Locator, Page } from 'playwright-core';
import { jsonApi, type JsonApi } from './helpers/api';
import { launchBrowser } from './helpers/browser';
import { assertConsoleErrors, confirm, eventually, leaveApp, newPage, READ, screenshot, signIn, tableRow } from './helpers/dashboard';
import { connectClient, publishMessages } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';
import { tearDown } from './helpers/teardown';

const NAME = 'hw-pub';
const WORDS = /Publishing (\d+)\/min, above the 3\/min limit, for (less than a minute|\d+ min)/;

let server: RunningServer;
let browser: Browser;
let api: JsonApi;
let page: Page;
let pub: MqttClient;

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  api = await jsonApi(server);
  pub = await connectClient(server.mqttPort, NAME, { protocolVersion: 5 });
  await api.ok('alterMqSession', { clientName: NAME, maxHealthySendRatePerMinute: 3 });
  await publishMessages(pub, 'hw/telemetry', 8);
  page = await newPage(browser);
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(() => tearDown(server, browser));

const isFocused = (locator: Locator) => locator.evaluate((el) => el === document.activeElement, undefined, READ);

/** A confirmation opens on Cancel (issue 13): Enter pressed by habit closes it and does nothing else. */
async function enterOnFocusedCancel(dialog: Locator, screenshotName: string): Promise<void> {
  await dialog.waitFor();
  await eventually(async () => assert.equal(await isFocused(dialog.getByRole('button', { name: 'Cancel', exact: true })), true, 'Cancel has focus'));
  await screenshot(page, screenshotName, { fullPage: false });
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'hidden' });
}

async function openDetail(): Promise<Locator> {
  await page.goto(`${server.baseUrl}/sessions/${NAME}`);
  await page.getByRole('heading', { level: 1, name: `Session ${NAME}`, exact: true }).waitFor();
  const health = page.getByRole('region', { name: 'Health', exact: true });
  await health.waitFor();
  return health;
}

test('the Reason column says the broken threshold in words, with the limit’s name on hover', async () => {
  await signIn(page, server);
  const row = tableRow(page, NAME);
  const reasonCell = row.locator('td.col-reason');
  await eventually(async () => assert.match(await reasonCell.textContent(READ) ?? '', WORDS));
  const header = page.getByRole('columnheader', { name: 'Reason', exact: true });
  assert.equal(await header.count(), 1, 'a Reason column');

  const limit = reasonCell.getByRole('button', { name: '3/min limit', exact: true });
  await limit.hover();
  const tooltip = page.getByRole('tooltip');
  await tooltip.waitFor();
  assert.match(await tooltip.textContent() ?? '', /maxHealthySendRatePerMinute/);
  // The tooltip describes its trigger: a screen reader hears the property name too.
  const describedBy = await limit.getAttribute('aria-describedby');
  assert.ok(describedBy && (await page.locator(`[id="${describedBy}"]`).textContent())?.includes('maxHealthySendRatePerMinute'));
  await screenshot(page, 'health-reason-column', { fullPage: false });
  await page.mouse.move(0, 0);
  assertConsoleErrors(page);
});

test('the detail names the reason, keeps “unhealthy since” and marks the broken measure', async () => {
  const health = await openDetail();
  await eventually(async () => assert.match(await health.textContent(READ) ?? '', WORDS));
  const stored = await api.describe(NAME);
  const since = String(stored.stats?.unhealthySince);
  assert.ok(!Number.isNaN(Date.parse(since)), `unhealthySince ${since}`);
  const shownSince = health.getByText('Unhealthy since').locator('..').locator('time');
  assert.equal(await shownSince.getAttribute('datetime'), since);

  const sendRow = health.getByRole('row', { name: /^Send rate per minute broken/ });
  assert.equal(await sendRow.getAttribute('class'), 'measure-broken');
  assert.equal(await health.locator('tr.measure-broken').count(), 1, 'only the broken measure is marked');
  assert.equal(await sendRow.locator('td.limit-broken').textContent(), '3');
  await screenshot(page, 'health-detail');
  assertConsoleErrors(page);
});

test('the Overview lists the unhealthy session with its reason in words', async () => {
  await page.goto(`${server.baseUrl}/overview`);
  const card = page.getByRole('table', { name: 'Unhealthy sessions and the threshold each breaks' });
  await eventually(async () => assert.match(await card.getByRole('row').filter({ hasText: NAME }).textContent(READ) ?? '', WORDS));
  assertConsoleErrors(page);
});

test('a destructive confirmation opens with Cancel focused; Enter there does nothing harmful', async () => {
  await openDetail();
  await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Kick', exact: true }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Kick 1 session?', exact: true });
  await dialog.waitFor();
  await enterOnFocusedCancel(dialog, 'confirm-cancel-focused');
  assert.equal((await api.describe(NAME)).connectionStatus, 'connected', 'the session was not kicked');
  assertConsoleErrors(page);
});

test('the edit dialog: Enter in a field does not submit, Escape with changes asks first', async () => {
  await openDetail();
  const edit = page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Edit', exact: true });
  const dialog = page.getByRole('dialog', { name: `Edit session ${NAME}` });

  // Unchanged: Escape closes at once.
  await edit.click();
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });

  await edit.click();
  const field = dialog.getByRole('textbox', { name: 'Maximum send rate per minute', exact: true });
  await field.fill('9');
  await field.press('Enter');
  // Still open and editing; nothing was sent.
  await eventually(async () => assert.equal(await isFocused(field), true));
  assert.equal(await dialog.isVisible(), true, 'Enter did not submit the dialog');
  assert.equal((await api.describe(NAME)).stats?.maxHealthySendRatePerMinute, 3);

  await page.keyboard.press('Escape');
  const ask = page.getByRole('alertdialog', { name: 'Discard unsaved changes?', exact: true });
  await ask.waitFor();
  await enterOnFocusedCancel(ask, 'edit-discard-ask');
  assert.equal(await field.inputValue(), '9', 'the edit is kept');

  // A click outside the dialog asks too.
  await page.mouse.click(5, 400);
  await ask.waitFor();
  await ask.getByRole('button', { name: 'Cancel', exact: true }).click();
  await ask.waitFor({ state: 'hidden' });
  assert.equal(await dialog.isVisible(), true);

  // The close button asks too; discarding closes and sends nothing.
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await confirm(page, 'Discard unsaved changes?', 'Discard changes');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await api.describe(NAME)).stats?.maxHealthySendRatePerMinute, 3);
  assertConsoleErrors(page);
});
