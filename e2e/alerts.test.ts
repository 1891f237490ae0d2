// Settings → Alerts (issue 13) against a real server (rules evaluated every second,
// ALERT_EVALUATE_SECONDS=1), real mqtt.js clients, a real local HTTP server for the webhook and
// Chromium: a rule created in the form (after its validation errors show at their fields) fires
// when a real client's session goes offline, the banner appears above every screen and the
// webhook receives the alert; the client coming back resolves it and the banner goes. Editing
// and deleting (with confirmation) work; firing and resolving are in the audit log.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { jsonApi, type JsonApi } from './helpers/api';
import { axeViolations, describeViolations } from './helpers/axe';
import { launchBrowser } from './helpers/browser';
import { assertConsoleErrors, confirm, eventually, leaveApp, newPage, READ, screenshot, signIn, waitForToast } from './helpers/dashboard';
import { closeAllClients, connectClient } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';

const DOCS_SCREENSHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const CLIENT = 'e2e-alert-line3-1';

let server: RunningServer;
let browser: Browser;
let page: Page;
let api: JsonApi;
let hooks: http.Server;
let hookUrl: string;
const received: Array<{ secret: string | undefined; body: { event: string; value: number; rule: { name: string } } }> = [];

before(async () => {
  hooks = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push({ secret: req.headers['x-mqdash-webhook-secret'] as string | undefined, body: JSON.parse(data) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/mqdash`;
  [server, browser] = await Promise.all([startServer({ env: { ALERT_EVALUATE_SECONDS: '1' } }), launchBrowser()]);
  api = await jsonApi(server);
  page = await newPage(browser);
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, server, '/settings/alerts');
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(async () => {
  await closeAllClients();
  await browser?.close();
  await server?.stop();
  hooks?.closeAllConnections();
  hooks?.close();
  if (server) await rm(server.dataDir, { recursive: true, force: true });
});

const card = (): Locator => page.getByRole('region', { name: 'Alert rules', exact: true });
const ruleRow = (name: string): Locator => card().getByRole('table', { name: 'Alert rules' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
const banner = (): Locator => page.getByRole('alert', { name: 'Alerts firing' });

async function assertNoAxeViolations(what: string): Promise<void> {
  // React Aria's live announcer keeps labelled-by stubs for 7 s after a message (see access-screens.test.ts).
  await eventually(async () => assert.equal(await page.locator('[role="log"] > [role="img"]').count(), 0, 'announcements pending'), 15_000);
  const violations = await axeViolations(page);
  assert.equal(violations.length, 0, `${what}:\n${describeViolations(violations)}`);
}

test('a rule created in Settings → Alerts fires when a real client goes offline: banner, webhook and audit; it resolves when the client is back', async () => {
  await page.goto(`${server.baseUrl}/settings/alerts`);
  await card().getByText('No alert rules yet.', { exact: true }).waitFor();
  await card().getByRole('button', { name: 'New rule', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New alert rule', exact: true });

  // Nothing sent while a field is wrong; each error shows beside its field.
  await dialog.getByRole('textbox', { name: 'Threshold', exact: true }).fill('lots');
  await dialog.getByRole('textbox', { name: 'Webhook URL', exact: true }).fill('ftp://hooks.example.com/x');
  await dialog.getByRole('button', { name: 'Create rule', exact: true }).click();
  await dialog.getByText('Must be a number', { exact: true }).waitFor();
  await dialog.getByText('Must be an http or https URL, not ftp:', { exact: true }).waitFor();
  await dialog.getByText('Enter a name', { exact: true }).waitFor();
  await assertNoAxeViolations('the new rule dialog with errors');
  await screenshot(page, 'settings-alerts-dialog-errors-1440', { fullPage: false, dir: DOCS_SCREENSHOTS });

  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Line 3 offline');
  await dialog.getByRole('textbox', { name: 'Threshold', exact: true }).fill('0');
  await dialog.getByRole('textbox', { name: 'For (minutes)', exact: true }).fill('0');
  await dialog.getByRole('textbox', { name: 'Client name starts with', exact: true }).fill('e2e-alert-line3-');
  await dialog.getByRole('textbox', { name: 'Webhook URL', exact: true }).fill(hookUrl);
  await dialog.getByLabel('Webhook secret', { exact: true }).fill('e2e-hook-secret');
  await dialog.getByRole('button', { name: 'Create rule', exact: true }).click();
  await waitForToast(page, 'Alert rule created');
  await dialog.waitFor({ state: 'hidden' });
  const row = ruleRow('Line 3 offline');
  await eventually(async () => assert.match(await row.innerText(READ), /OK/));
  assert.match(await row.innerText(), /More than 0 offline sessions \(client name starting with “e2e-alert-line3-”\), at once/);

  // A real client with a persistent session comes and goes: its session is offline, and the rule fires.
  const client = await connectClient(server.mqttPort, CLIENT, { protocolVersion: 4, clean: false });
  await client.endAsync();
  await banner().waitFor({ timeout: 20_000 });
  assert.match(await banner().innerText(), /An alert is firing/);
  assert.match(await banner().innerText(), /Line 3 offline: 1 offline session/);
  await eventually(async () => assert.match(await row.innerText(READ), /Firing/));
  await eventually(() => assert.equal(received.filter((r) => r.body.event === 'alertFired').length, 1), 15_000);
  assert.equal(received[0]!.secret, 'e2e-hook-secret');
  assert.equal(received[0]!.body.rule.name, 'Line 3 offline');
  assert.equal(received[0]!.body.value, 1);
  await assertNoAxeViolations('Settings → Alerts with the banner');
  await screenshot(page, 'settings-alerts-firing-1440', { dir: DOCS_SCREENSHOTS });

  // The banner is above every screen.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/sessions');
  await banner().waitFor();
  await banner().getByRole('link', { name: 'Alert rules', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/settings/alerts');

  // The client is back: the rule resolves and the banner goes.
  const back = await connectClient(server.mqttPort, CLIENT, { protocolVersion: 4, clean: false });
  await banner().waitFor({ state: 'detached', timeout: 20_000 });
  await eventually(async () => assert.match(await ruleRow('Line 3 offline').innerText(READ), /OK/));
  await eventually(() => assert.equal(received.filter((r) => r.body.event === 'alertResolved').length, 1), 15_000);
  await back.endAsync();

  const audit = await api.ok<{ data: Array<{ action: string; actor: string }> }>('listAuditLog', { maxRecords: 50 });
  const actions = audit.data.filter((e) => e.actor === 'alerts').map((e) => e.action);
  assert.ok(actions.includes('alertFired') && actions.includes('alertResolved'), `audit: ${actions.join(', ')}`);
  assertConsoleErrors(page);
});

test('editing a rule shows the server’s checks at the field, narrows it to a label; deleting asks first', async () => {
  const label = await api.ok<{ id: number }>('createLabel', { group: 'e2e-alerts', name: 'line-3' });
  await page.goto(`${server.baseUrl}/settings/alerts`);
  const row = ruleRow('Line 3 offline');
  await row.getByRole('button', { name: 'Edit rule Line 3 offline', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit alert rule Line 3 offline', exact: true });
  await dialog.getByRole('textbox', { name: 'For (minutes)', exact: true }).fill('20000');
  await dialog.getByRole('button', { name: 'Save rule', exact: true }).click();
  await dialog.getByText('Must be at most 10,080', { exact: true }).waitFor();
  await dialog.getByRole('textbox', { name: 'For (minutes)', exact: true }).fill('2.5');
  await dialog.getByRole('textbox', { name: 'Threshold', exact: true }).fill('3');
  await dialog.getByRole('button', { name: /\bLabel\b/ }).click();
  await page.getByRole('listbox').getByRole('option', { name: 'e2e-alerts/line-3', exact: true }).click();
  await dialog.getByRole('button', { name: 'Save rule', exact: true }).click();
  await waitForToast(page, 'Alert rule saved');
  await eventually(async () => assert.match(await row.innerText(READ), /More than 3 offline sessions \(client name starting with “e2e-alert-line3-”, label e2e-alerts\/line-3\), for 2\.5 min/));
  const rules = await api.ok<{ data: Array<{ name: string; threshold: number; forMinutes: number; labelId?: number; webhookSecretSet: boolean }> }>('listAlertRules', {});
  assert.deepEqual(rules.data.map((r) => [r.name, r.threshold, r.forMinutes, r.labelId, r.webhookSecretSet]), [['Line 3 offline', 3, 2.5, label.id, true]], 'the secret was kept');

  await row.getByRole('button', { name: 'Delete rule Line 3 offline', exact: true }).click();
  const ask = page.getByRole('alertdialog', { name: 'Delete alert rule?', exact: true });
  await ask.waitFor();
  assert.equal(await ask.getByRole('button', { name: 'Cancel', exact: true }).evaluate((el) => el === document.activeElement), true, 'Cancel has focus');
  await confirm(page, 'Delete alert rule?', 'Delete rule');
  await waitForToast(page, 'Alert rule deleted');
  await card().getByText('No alert rules yet.', { exact: true }).waitFor();
  assert.deepEqual((await api.ok<{ data: unknown[] }>('listAlertRules', {})).data, []);
  assertConsoleErrors(page);
});

test('at 390 px the banner and Settings → Alerts fit the screen, and the dialog’s buttons are on screen', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await api.ok('createAlertRule', { name: 'Nobody on the phone line', condition: 'connectedSessionsBelow', threshold: 1, partialClientName: 'e2e-alert-phone-', webhookUrl: 'https://hooks.example.com/a/rather/long/path/for/a/narrow/screen' });
    await page.goto(`${server.baseUrl}/settings/alerts`);
    await banner().waitFor({ timeout: 20_000 });
    await eventually(async () => assert.match(await ruleRow('Nobody on the phone line').innerText(READ), /Firing/));
    const { scrollWidth, width } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, width: document.documentElement.clientWidth }));
    assert.ok(scrollWidth <= width, `the page scrolls sideways: ${scrollWidth} > ${width}`);
    await assertNoAxeViolations('Settings → Alerts at 390 px with the banner');
    await screenshot(page, 'settings-alerts-390', { dir: DOCS_SCREENSHOTS });
    await card().getByRole('button', { name: 'New rule', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New alert rule', exact: true });
    for (const name of ['Cancel', 'Create rule']) {
      const button = dialog.getByRole('button', { name, exact: true });
      await button.scrollIntoViewIfNeeded();
      const box = await button.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390 && box.y >= 0 && box.y + box.height <= 844, `${name} is off screen: ${JSON.stringify(box)}`);
    }
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    assertConsoleErrors(page);
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
});
