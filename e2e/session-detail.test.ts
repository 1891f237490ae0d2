// One session's page against a real server with real MQTT clients: the stats it shows, the edit
// form (a threshold that turns the session unhealthy, a value out of limits), ban / unban with
// real reconnects, disconnect, kick, create and delete an MQ API session, screenshots.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import type { MqttClient } from 'mqtt';
import type { Browser, Locator, Page } from 'playwright-core';
import { jsonApi, type JsonApi } from './helpers/api';
import { launchBrowser } from './helpers/browser';
import {
  assertConsoleErrors, chooseTheme, confirm, eventually, leaveApp, newPage, READ, screenshot, sessionsTable, signIn, tableNames, takeConsoleErrors,
  waitForTableNames, waitForToast,
} from './helpers/dashboard';
import { attemptConnect, closeAllClients, connectClient, endClient, publishMessages, waitForServerClose } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';

const PUBLISHED = 7;
const RECEIVED = 3;

let server: RunningServer;
let browser: Browser;
let api: JsonApi;
let page: Page;
let pub: MqttClient;

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  api = await jsonApi(server);
  pub = await connectClient(server.mqttPort, 'det-pub', { protocolVersion: 5, subscribe: ['det/in/#'] });
  const feeder = await connectClient(server.mqttPort, 'det-feeder', { protocolVersion: 4 });
  const got = new Promise<void>((resolve) => {
    let n = 0;
    pub.on('message', () => ++n === RECEIVED && resolve());
  });
  await publishMessages(feeder, 'det/in/cmd', RECEIVED);
  await got;
  await endClient(feeder, true);
  page = await newPage(browser);
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(async () => {
  await closeAllClients();
  await browser?.close();
  await server?.stop();
  if (server) await rm(server.dataDir, { recursive: true, force: true });
});

const region = (name: string): Locator => page.getByRole('region', { name, exact: true });
/** A description list's value (`<dt>term</dt><dd>value</dd>`) inside a card. */
const definition = (card: string, term: string): Locator =>
  region(card).locator('dt', { hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]');
/** The cells of one row of the statistics table, after its row header. */
const statsRow = async (label: string): Promise<string[]> =>
  region('Statistics').getByRole('table', { name: 'Message statistics' }).getByRole('row', { name: new RegExp(`^${label}\\b`) }).getByRole('cell').allTextContents();
const headerBadges = (): Locator => page.locator('.page-header .badge-row');

async function openDetail(clientName: string): Promise<void> {
  await page.goto(`${server.baseUrl}/sessions/${encodeURIComponent(clientName)}`);
  await page.getByRole('heading', { level: 1, name: `Session ${clientName}`, exact: true }).waitFor();
  await region('Connection').waitFor();
}

test('a session opened from the table shows the real stats of its client', async () => {
  // Published here, not in before(): the per-minute columns count the last 60 s, and on a busy
  // machine getting from before() to a later check took longer than that.
  await publishMessages(pub, 'det/pub/telemetry', PUBLISHED);
  await signIn(page, server);
  // det-feeder was a clean 3.1.1 session: it ended with its connection.
  await waitForTableNames(page, ['det-pub']);
  await page.getByRole('link', { name: 'det-pub', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Session det-pub', exact: true }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/sessions/det-pub');

  await eventually(async () => {
    const published = await statsRow('Published');
    assert.equal(published[0], String(PUBLISHED), 'totalMessagesPublished');
    assert.equal(published[1], String(PUBLISHED), 'published in the last minute');
    assert.equal((await statsRow('Received'))[0], String(RECEIVED), 'totalMessagesReceived');
    assert.equal((await statsRow('Delivery backlog'))[0], '0');
  });

  assert.equal(await definition('Connection', 'Connection status').textContent(), 'Connected');
  assert.equal(await definition('Connection', 'IP address').textContent(), '127.0.0.1');
  assert.equal(await definition('Connection', 'Port').textContent(), String((pub.stream as unknown as { localPort: number }).localPort));
  await region('Subscriptions').getByRole('cell', { name: 'det/in/#', exact: true }).waitFor();
  await region('Published topics').getByRole('listitem').filter({ hasText: 'det/pub/telemetry' }).waitFor();
  assert.match(await headerBadges().textContent() ?? '', /MQTT.*Connected.*Normal.*Healthy/);
  // What the client asked for sits in the Settings tab (issue 13).
  await page.getByRole('tab', { name: 'Settings', exact: true }).click();
  assert.equal(await definition('Protocol and limits', 'MQTT protocol').textContent(), '5.0');
  assertConsoleErrors(page);
});

test('a value out of limits in the edit form is refused beside its field, and nothing is sent', async () => {
  await openDetail('det-pub');
  await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Edit', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit session det-pub' });
  const field = dialog.getByRole('textbox', { name: 'Receive maximum', exact: true });
  assert.equal(await field.inputValue(), '65535');
  await field.fill('0');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();

  await dialog.getByRole('alert').filter({ hasText: 'Please correct the field marked below.' }).waitFor();
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  // The message sits in the field's own group, right under the input, and describes it.
  const fieldGroup = dialog.locator('.field', { has: page.getByRole('textbox', { name: 'Receive maximum', exact: true }) });
  assert.equal((await fieldGroup.locator('.field-error').textContent())?.trim(), 'Must be at least 1');
  const described = await field.evaluate((input) =>
    (input.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' | '));
  assert.match(described, /Must be at least 1/, 'the error is the field’s accessible description');
  await eventually(async () => assert.equal(await field.evaluate((el) => el === document.activeElement, undefined, READ), true, 'focus moves to the bad field'));
  const inputBox = (await field.boundingBox())!;
  const errorBox = (await fieldGroup.locator('.field-error').boundingBox())!;
  assert.ok(errorBox.y >= inputBox.y + inputBox.height - 1 && errorBox.y - (inputBox.y + inputBox.height) < 60, 'the message is just below the input');
  assert.ok(Math.abs(errorBox.x - inputBox.x) < 20, 'and aligned with it');

  await dialog.getByRole('textbox', { name: 'Maximum packet size (bytes)', exact: true }).fill('268435461');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.getByRole('alert').filter({ hasText: 'Please correct the fields marked below.' }).waitFor();
  assert.match(await dialog.locator('.field', { has: page.getByRole('textbox', { name: 'Maximum packet size (bytes)' }) }).locator('.field-error').textContent() ?? '', /at most 268,435,460/);

  await page.setViewportSize({ width: 1440, height: 1000 });
  await chooseThemeInDialog('light');
  await field.scrollIntoViewIfNeeded();
  await screenshot(page, 'edit-form-error-light', { fullPage: false });
  await chooseThemeInDialog('dark');
  await screenshot(page, 'edit-form-error-dark', { fullPage: false });
  await chooseThemeInDialog('light');
  await page.setViewportSize({ width: 1280, height: 720 });

  // Issue 13: the edits are unsaved, so Cancel asks first.
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await confirm(page, 'Discard unsaved changes?', 'Discard changes');
  await dialog.waitFor({ state: 'hidden' });
  const stored = await api.describe('det-pub');
  assert.equal(stored.receiveMaximum, 65535, 'the refused value was not sent');
  assert.equal(stored.maximumPacketSize, 268435455);
  assertConsoleErrors(page);
});

/**
 * The theme menu sits behind the modal; the stored choice plus `data-theme` is what it sets
 * (chooseTheme checks the menu itself in the other screenshots).
 */
async function chooseThemeInDialog(theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => {
    localStorage.setItem('mqdash.theme', t);
    document.documentElement.setAttribute('data-theme', t);
  }, theme);
}

test('a maximum send rate below the client’s rate turns the session unhealthy and names the threshold', async () => {
  // The client keeps sending, a message a second, so its rate stays above the new maximum however
  // long the test takes (the messages published before fall out of the last minute).
  let sending = true;
  const sender = (async () => {
    while (sending) {
      await pub.publishAsync('det/pub/telemetry', 'tick', { qos: 1 });
      await sleep(1000);
    }
  })();
  try {
    await sendRateAboveMaximum();
  } finally {
    sending = false;
    await sender;
  }
});

async function sendRateAboveMaximum(): Promise<void> {
  await openDetail('det-pub');
  assert.match(await region('Health').textContent() ?? '', /Healthy/);
  await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Edit', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit session det-pub' });
  await dialog.getByRole('textbox', { name: 'Maximum send rate per minute', exact: true }).fill('2');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await waitForToast(page, 'Session saved');
  await dialog.waitFor({ state: 'hidden' });

  // The page refreshes itself (the save's answer, then every 10 s); no reload.
  await eventually(async () => assert.match(await headerBadges().textContent(READ) ?? '', /Unhealthy/), 15_000);
  const health = region('Health');
  const broken = /Publishing (\d+)\/min, above the 2\/min limit, for /.exec(await health.getByText('Reason:').locator('..').textContent() ?? '');
  assert.ok(broken && Number(broken[1]) > 2, `the broken threshold names the rate: ${broken?.[0]}`);
  const sendRow = await health.getByRole('row', { name: /^Send rate per minute/ }).getByRole('cell').allTextContents();
  assert.deepEqual(sendRow.slice(1), ['not set', '2']);
  assert.ok(Number(sendRow[0]) > 2, `the current rate, ${sendRow[0]}, is above the maximum`);

  const stored = await api.describe('det-pub');
  assert.equal(stored.stats?.maxHealthySendRatePerMinute, 2);
  assert.equal(stored.stats?.sessionHealth, 'unhealthy');
  // After a reload too (the value is stored, not only in the page).
  await page.reload();
  await eventually(async () => assert.match(await headerBadges().textContent(READ) ?? '', /Unhealthy/));
  assertConsoleErrors(page);
}

test('screenshots of the detail panel and the edit form in light and dark', async () => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await openDetail('det-pub');
  await chooseTheme(page, 'Light');
  await screenshot(page, 'session-detail-light');
  await chooseTheme(page, 'Dark');
  await screenshot(page, 'session-detail-dark');
  await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Edit', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit session det-pub' });
  await dialog.waitFor();
  await screenshot(page, 'edit-form-dark', { fullPage: false });
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await chooseTheme(page, 'Light');
  await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Edit', exact: true }).click();
  await dialog.waitFor();
  await screenshot(page, 'edit-form-light', { fullPage: false });
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.setViewportSize({ width: 1280, height: 720 });
  assertConsoleErrors(page);
});

test('Disconnect ends the connection (MQTT 5 reason 0x98) and keeps the session', async () => {
  const client = await connectClient(server.mqttPort, 'det-disc', { protocolVersion: 5, clean: false, sessionExpiryInterval: 3600 });
  await openDetail('det-disc');
  const closed = waitForServerClose(client);
  await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Disconnect', exact: true }).click();
  await waitForToast(page, 'Disconnected');
  assert.equal((await closed).disconnectReason, 0x98);
  await eventually(async () => assert.equal(await definition('Connection', 'Connection status').textContent(READ), 'Disconnected'));
  assert.equal((await api.describe('det-disc')).connectionStatus, 'disconnected');
  assert.equal(await page.getByRole('button', { name: 'Disconnect', exact: true }).isDisabled(), true);
  assertConsoleErrors(page);
});

// Was a product bug (fixed): disconnecting a clean session ends it (MQTT 5
// expiry 0); the live feed's removal can reach the page before the disconnect's answer, the page
// turns to "Session not found", its action bar unmounts, and the "Disconnected" toast is lost (race).
test('Disconnect of a clean session: a toast confirms it and the page says the session ended', async () => {
  const client = await connectClient(server.mqttPort, 'det-temp', { protocolVersion: 5 });
  await openDetail('det-temp');
  const closed = waitForServerClose(client);
  let errors: string[];
  try {
    await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Disconnect', exact: true }).click();
    // The toast first: it shows for 5 s, which the checks below could outlast on a busy machine.
    await waitForToast(page, 'Disconnected');
    await closed;
    assert.notEqual((await api.run('describeMqSessions', { clientNames: ['det-temp'] })).errorCode, 0, 'the clean session ended with its connection');
    // One wait for either way the page can say it (the session gone, or its connection ended),
    // not two reads in a retry loop: the page turns to "Session not found" between them, and a
    // read of the then-missing Connection card waited its full 15 s inside a 15 s loop.
    const ended = page.getByRole('alert').filter({ hasText: 'Session not found' })
      .or(definition('Connection', 'Connection status').filter({ hasText: /^Disconnected$/ }));
    await ended.first().waitFor();
  } finally {
    await page.goto(`${server.baseUrl}/sessions`);
    await sessionsTable(page).waitFor();
    errors = takeConsoleErrors(page);
  }
  // A 404 for the ended session is the server telling the truth; nothing else may fail.
  assert.deepEqual(errors.filter((e) => !/status of 404.*\/bff\/sessions\/det-temp/.test(e)), []);
});

test('Ban from the detail disconnects the client; its reconnects are refused (0x8A / rc 5) until Unban', async () => {
  const client = await connectClient(server.mqttPort, 'det-ban', { protocolVersion: 5, clean: false, sessionExpiryInterval: 3600 });
  await openDetail('det-ban');
  const closed = waitForServerClose(client);
  await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Ban', exact: true }).click();
  await confirm(page, 'Ban 1 session?', 'Ban 1 session');
  await waitForToast(page, 'Session banned');
  await closed;
  await eventually(async () => assert.match(await headerBadges().textContent(READ) ?? '', /Banned/));
  assert.equal(await page.getByRole('button', { name: 'Unban', exact: true }).isVisible(), true);

  const v5 = await attemptConnect(server.mqttPort, 'det-ban', 5);
  assert.deepEqual({ accepted: v5.accepted, reasonCode: v5.reasonCode }, { accepted: false, reasonCode: 0x8a }, 'MQTT 5 CONNACK 0x8A Banned');
  const v311 = await attemptConnect(server.mqttPort, 'det-ban', 4);
  assert.deepEqual({ accepted: v311.accepted, returnCode: v311.returnCode }, { accepted: false, returnCode: 5 }, 'MQTT 3.1.1 CONNACK return code 5');

  // The refused connect is on the page (reloaded: the detail polls every 10 s).
  await page.reload();
  await page.locator('.detail-callout').filter({ hasText: 'Last failed connect' }).waitFor();
  assert.equal(await definition('Connection', 'Connection status').textContent(), 'Disconnected');
  assert.match(await definition('Connection', 'Last failed connect reason').textContent() ?? '', /banned/i);

  await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Unban', exact: true }).click();
  await waitForToast(page, 'Session unbanned');
  await eventually(async () => assert.match(await headerBadges().textContent(READ) ?? '', /Normal/));
  const back = await attemptConnect(server.mqttPort, 'det-ban', 5, true);
  assert.equal(back.accepted, true, 'an unbanned client connects again');
  await page.reload();
  await eventually(async () => assert.equal(await definition('Connection', 'Connection status').textContent(READ), 'Connected'));
  await endClient(back.client!, true);
  assertConsoleErrors(page);
});

// Was a product bug (fixed): a clean MQTT session (MQTT 5 expiry 0 / 3.1.1
// clean) is kept while banned, but Unban removes it at once, so PATCH /bff/sessions/:name answers
// 404 and the page shows "Could not change the session" although the unban took effect.
test('Unban of a banned clean session succeeds on the page', async () => {
  const client = await connectClient(server.mqttPort, 'det-ban-clean', { protocolVersion: 5 });
  await openDetail('det-ban-clean');
  const closed = waitForServerClose(client);
  await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Ban', exact: true }).click();
  await confirm(page, 'Ban 1 session?', 'Ban 1 session');
  await waitForToast(page, 'Session banned');
  await closed;
  assert.equal((await attemptConnect(server.mqttPort, 'det-ban-clean', 5)).reasonCode, 0x8a, 'the ban outlives the clean session’s connection');
  let toastText: string | null;
  let errors: string[];
  try {
    await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Unban', exact: true }).click();
    const toast = page.locator('.toast-region').getByRole('alertdialog').filter({ hasText: /Session unbanned|Could not change the session/ }).first();
    await toast.waitFor();
    toastText = await toast.textContent();
    // Leave the page before judging, so a failing detail's refetches do not spill into later tests.
    await page.goto(`${server.baseUrl}/sessions`);
    await sessionsTable(page).waitFor();
  } finally {
    errors = takeConsoleErrors(page);
  }
  assert.match(toastText ?? '', /Session unbanned/);
  assert.deepEqual(errors, [], 'no failed requests');
  assert.equal((await attemptConnect(server.mqttPort, 'det-ban-clean', 5)).accepted, true);
});

test('Kick from the detail disconnects the client and deletes the session', async () => {
  const client = await connectClient(server.mqttPort, 'det-kick', { protocolVersion: 4, clean: false, subscribe: ['det/kick/#'] });
  await openDetail('det-kick');
  const closed = waitForServerClose(client);
  await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Kick', exact: true }).click();
  await confirm(page, 'Kick 1 session?', 'Kick 1 session');
  await waitForToast(page, 'Session kicked');
  await closed;
  await page.waitForURL((url) => url.pathname === '/sessions');
  await eventually(async () => {
    const names = await tableNames(page);
    assert.ok(names.includes('det-pub') && !names.includes('det-kick'), `listed: ${names.join(', ')}`);
  });
  const gone = await api.run('describeMqSessions', { clientNames: ['det-kick'] });
  assert.notEqual(gone.errorCode, 0, 'the session is deleted');
  assertConsoleErrors(page);
});

test('create an MQ API session from the dialog (a taken name is refused beside the field), then delete it', async () => {
  await page.goto(`${server.baseUrl}/sessions`);
  await page.getByRole('button', { name: 'Create MQ API session', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Create MQ API session' });
  const name = dialog.getByRole('textbox', { name: 'Client name', exact: true });

  // An MQTT session already owns the name: the server refuses it (409, the one console error).
  await name.fill('det-pub');
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await dialog.locator('.field', { has: page.getByRole('textbox', { name: 'Client name', exact: true }) }).locator('.field-error').filter({ hasText: 'This name is already in use by another session' }).waitFor();
  assert.equal(await name.getAttribute('aria-invalid'), 'true');

  await name.fill('det-api');
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await waitForToast(page, 'MQ API session created');
  await page.getByRole('heading', { level: 1, name: 'Session det-api', exact: true }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/sessions/det-api');
  assert.match(await headerBadges().textContent() ?? '', /MQ API/);
  assert.equal((await api.describe('det-api')).sessionType, 'mqApi');

  await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Delete', exact: true }).click();
  const ask = page.getByRole('alertdialog', { name: 'Delete 1 session?' });
  await ask.getByRole('radio', { name: /Delete permanently/ }).check();
  await confirm(page, 'Delete 1 session?', 'Delete 1 session permanently');
  await waitForToast(page, 'Session deleted permanently');
  await page.waitForURL((url) => url.pathname === '/sessions');
  await eventually(async () => {
    const names = await tableNames(page);
    assert.ok(names.includes('det-pub') && !names.includes('det-api'), `listed: ${names.join(', ')}`);
  });
  assert.notEqual((await api.run('describeMqSessions', { clientNames: ['det-api'] })).errorCode, 0);
  assertConsoleErrors(page, [/status of 409.*\/bff\/mq-api-sessions/]);
});
