// Issue 13 "every screen works from 360 px up" and the detail page's readable figures, against the
// real server, real MQTT clients and Chromium: at 390×844 no main screen scrolls sideways, the header
// menu and the Filters button collapse, dialog buttons stay on screen; the detail page's units are
// readable with the exact value kept; axe finds nothing on the sessions list, detail and overview
// at 1440 and 390 px. Screenshots of each screen go to docs/screenshots/.
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Locator, Page } from 'playwright-core';
import { jsonApi, type JsonApi } from './helpers/api';
import { describeViolations, axeViolations } from './helpers/axe';
import { launchBrowser } from './helpers/browser';
import { assertConsoleErrors, eventually, leaveApp, newPage, READ, signIn, tableRow } from './helpers/dashboard';
import { closeAllClients, connectClient, endClient, publishMessages } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const DOCS_SCREENSHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

let server: RunningServer;
let browser: Browser;
let api: JsonApi;
let page: Page;
let willClient: MqttClient;

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  api = await jsonApi(server);
  // A session a day long (86,400 s) with a subscription and a published topic, and no will.
  const pub = await connectClient(server.mqttPort, 'narrow-pub', { protocolVersion: 5, subscribe: ['narrow/in/#'], sessionExpiryInterval: 86_400, username: 'fleet-svc' });
  await publishMessages(pub, 'narrow/pub/telemetry', 3);
  // One with a will (MQTT 5 will properties), so the Will card has something to show.
  willClient = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, {
    clientId: 'narrow-will',
    protocolVersion: 5,
    reconnectPeriod: 0,
    will: { topic: 'narrow/will/gone', payload: Buffer.from('bye'), qos: 1, retain: false, properties: { willDelayInterval: 30 } },
  });
  await api.ok('createMqApiSession', { clientName: 'narrow-api' });
  page = await newPage(browser);
  await page.setViewportSize(PHONE);
  await signIn(page, server, '/sessions');
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(async () => {
  if (willClient) await endClient(willClient, true);
  await closeAllClients();
  await browser?.close();
  await server?.stop();
  if (server) await rm(server.dataDir, { recursive: true, force: true });
});

interface Screen {
  name: string;
  path: string;
  /** What shows once the screen has its data. */
  ready: (page: Page) => Locator;
}

const heading = (name: string | RegExp) => (p: Page) => p.getByRole('heading', { level: 1, name });
const screens: Screen[] = [
  { name: 'overview', path: '/overview', ready: (p) => p.getByRole('link', { name: /^Connected: \d+ sessions?$/ }) },
  { name: 'sessions', path: '/sessions', ready: (p) => tableRow(p, 'narrow-pub') },
  { name: 'session-detail', path: '/sessions/narrow-pub', ready: (p) => p.getByRole('region', { name: 'Statistics', exact: true }) },
  { name: 'session-detail-settings', path: '/sessions/narrow-will?tab=settings', ready: (p) => p.getByRole('region', { name: 'Will message', exact: true }) },
  { name: 'session-detail-messages', path: '/sessions/narrow-pub?tab=messages', ready: (p) => p.getByRole('tabpanel', { name: 'Messages' }) },
  { name: 'labels', path: '/labels', ready: heading('Labels') },
  { name: 'retained', path: '/retained', ready: heading(/^Retained/) },
  { name: 'nodes', path: '/nodes', ready: (p) => p.getByRole('heading', { level: 2, name: /^1 node: 1 up$/ }) },
  { name: 'settings', path: '/settings', ready: heading('Settings') },
  { name: 'settings-bans', path: '/settings/bans', ready: (p) => p.getByRole('form', { name: 'Add a ban' }) },
  { name: 'settings-topic-permissions', path: '/settings/topic-permissions', ready: (p) => p.getByRole('form', { name: 'Add a rule' }) },
];

async function open(screen: Screen): Promise<void> {
  await page.goto(`${server.baseUrl}${screen.path}`);
  await screen.ready(page).first().waitFor();
  // Loading placeholders gone: what is measured is the screen with its data.
  await eventually(async () => assert.equal(await page.locator('.page-loading, .skeleton-row, [aria-busy="true"]').count(), 0, 'still loading'));
}

/** How far the page reaches past the viewport's right edge, and the widest element that does. */
const sideways = (p: Page) =>
  p.evaluate(() => {
    const width = document.documentElement.clientWidth;
    let widest = '';
    let right = width;
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const box = el.getBoundingClientRect();
      // Inside a box that scrolls or clips, an element may reach further without widening the page
      // (not an absolutely positioned one, which a scroll box that is not its containing block lets out).
      let clipped = false;
      if (getComputedStyle(el).position !== 'absolute') for (let up = el.parentElement; up && up !== document.body && !clipped; up = up.parentElement) clipped = getComputedStyle(up).overflowX !== 'visible';
      if (box.width > 0 && box.right > right + 0.5 && !clipped && getComputedStyle(el).position !== 'fixed') {
        right = box.right;
        widest = `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')}`;
      }
    }
    return { scrollWidth: document.scrollingElement!.scrollWidth, width, widest, right };
  });

async function saveScreenshot(name: string, fullPage = true): Promise<void> {
  await mkdir(DOCS_SCREENSHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${DOCS_SCREENSHOTS}${name}.png`, fullPage, animations: 'disabled' });
}

/** The element is wholly inside the viewport and is what a tap at its centre would hit. */
async function assertOnScreen(target: Locator, what: string): Promise<void> {
  const box = await target.boundingBox();
  assert.ok(box, `${what} has no box`);
  const view = page.viewportSize()!;
  assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= view.width && box.y + box.height <= view.height, `${what} is off screen: ${JSON.stringify(box)} in ${view.width}×${view.height}`);
  const hit = await target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return at !== null && (at === el || el.contains(at));
  });
  assert.ok(hit, `${what} is covered at its centre`);
}

test('at 390 px no main screen scrolls sideways', async () => {
  await page.setViewportSize(PHONE);
  for (const screen of screens) {
    await open(screen);
    const { scrollWidth, width, widest, right } = await sideways(page);
    assert.ok(scrollWidth <= PHONE.width, `${screen.path}: the page is ${scrollWidth} px wide at ${width} px (${widest} reaches ${Math.round(right)} px)`);
    await saveScreenshot(`${screen.name}-390`);
  }
  assertConsoleErrors(page);
});

test('at 390 px the navigation is behind a Menu button that opens, navigates and closes', async () => {
  await page.setViewportSize(PHONE);
  await open(screens[1]!);
  const menu = page.getByRole('button', { name: 'Menu', exact: true });
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await nav.isVisible(), false, 'the navigation is collapsed');
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await assertOnScreen(nav.getByRole('link', { name: 'Labels', exact: true }), 'the Labels link');
  await assertOnScreen(page.getByRole('button', { name: 'Sign out', exact: true }), 'Sign out');
  await saveScreenshot('header-menu-390', false);
  await nav.getByRole('link', { name: 'Labels', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Labels' }).waitFor();
  await nav.waitFor({ state: 'hidden' });
  // Escape closes it too, and gives focus back to the button.
  await menu.click();
  await nav.waitFor();
  await page.keyboard.press('Escape');
  await nav.waitFor({ state: 'hidden' });
  assert.equal(await menu.evaluate((el) => el === document.activeElement), true);
  assertConsoleErrors(page);
});

test('at 390 px the filters wait behind a Filters button and the first screen shows sessions', async () => {
  await page.setViewportSize(PHONE);
  await open(screens[1]!);
  const filters = page.getByRole('group', { name: 'Filters' });
  const toggle = filters.getByRole('button', { name: /^Filters/ });
  const username = filters.getByLabel('User name', { exact: true });
  assert.equal(await username.isVisible(), false, 'the user name filter is collapsed');
  await filters.getByRole('searchbox', { name: 'Search sessions' }).waitFor();
  const row = await tableRow(page, 'narrow-pub').boundingBox();
  assert.ok(row && row.y + row.height <= PHONE.height, `the first rows are on the first screen (row at ${row?.y})`);
  // The table is its own scroll box, reachable by keyboard.
  const region = page.getByRole('region', { name: 'Sessions table' });
  assert.equal(await region.getAttribute('tabindex'), '0');

  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await username.waitFor();
  await username.fill('fleet-svc');
  await eventually(async () => assert.match(await toggle.textContent(READ) ?? '', /Filters\s*1/, 'the button counts the filter set'));
  await eventually(async () => assert.equal(await tableRow(page, 'narrow-api').count(), 0));
  const { scrollWidth } = await sideways(page);
  assert.ok(scrollWidth <= PHONE.width, `with the filters open the page is ${scrollWidth} px wide`);
  await saveScreenshot('sessions-filters-open-390');
  assertConsoleErrors(page);
});

test('at 390 px every dialog keeps its buttons on screen', async () => {
  await page.setViewportSize(PHONE);
  await open(screens[2]!);
  await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Edit', exact: true }).click();
  const edit = page.getByRole('dialog', { name: 'Edit session narrow-pub' });
  await edit.waitFor();
  await assertOnScreen(edit.getByRole('button', { name: 'Save', exact: true }), 'the edit dialog’s Save');
  await assertOnScreen(edit.getByRole('button', { name: 'Cancel', exact: true }), 'the edit dialog’s Cancel');
  await assertOnScreen(edit.getByRole('button', { name: 'Close', exact: true }), 'the edit dialog’s Close');
  await saveScreenshot('session-edit-dialog-390', false);
  await edit.getByRole('button', { name: 'Cancel', exact: true }).click();
  await edit.waitFor({ state: 'hidden' });

  await page.getByRole('toolbar', { name: 'Session actions' }).getByRole('button', { name: 'Kick', exact: true }).click();
  const kick = page.getByRole('alertdialog', { name: 'Kick 1 session?' });
  await assertOnScreen(kick.getByRole('button', { name: 'Kick 1 session', exact: true }), 'the confirmation’s Kick');
  await assertOnScreen(kick.getByRole('button', { name: 'Cancel', exact: true }), 'the confirmation’s Cancel');
  await saveScreenshot('confirm-dialog-390', false);
  await kick.getByRole('button', { name: 'Cancel', exact: true }).click();
  await kick.waitFor({ state: 'hidden' });

  await open(screens[1]!);
  await page.getByRole('button', { name: 'Create MQ API session' }).click();
  const create = page.getByRole('dialog', { name: /Create MQ API session/ });
  await create.waitFor();
  const buttons = create.locator('.dialog-footer').getByRole('button');
  assert.ok(await buttons.count() >= 2);
  for (const button of await buttons.all()) await assertOnScreen(button, `the create dialog’s ${await button.textContent()}`);
  await create.getByRole('button', { name: 'Close', exact: true }).click();
  await create.waitFor({ state: 'hidden' });
  assertConsoleErrors(page);
});

test('the detail page reads in words: a header of facts, readable units, no will fields without a will', async () => {
  await page.setViewportSize(DESKTOP);
  const described = await api.describe('narrow-pub');
  await open(screens[2]!);
  const facts = page.getByRole('definition').locator('xpath=ancestor::dl[1]').first();
  const fact = (term: string) => page.locator('.fact-strip dt', { hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]');
  assert.equal(await facts.getAttribute('aria-label'), 'Key facts');
  assert.match(await fact('Health').textContent() ?? '', /^Healthy/);
  assert.match(await fact('Uptime').textContent() ?? '', /^Up (less than a minute|\d+ min)/);
  assert.equal(await fact('User name').textContent(), 'fleet-svc');
  assert.equal(await fact('Protocol').textContent(), 'MQTT 5.0');
  assert.match(await fact('Address').textContent() ?? '', /^127\.0\.0\.1:\d+$/);
  // Cards without content are left out: no will, no user properties on this session.
  assert.equal(await page.getByRole('region', { name: 'Published topics' }).count(), 1);
  await saveScreenshot('session-detail-1440');

  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.waitForURL(/tab=settings/);
  const limits = page.getByRole('region', { name: 'Protocol and limits' });
  const value = (term: string) => limits.locator('dt', { hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]/span[@class="readable"]');
  assert.equal(described.sessionExpiryInterval, 86_400);
  assert.equal(await value('Session expiry interval').first().getAttribute('title'), '86,400 seconds');
  // The readable figure shows; the exact one follows for assistive tech (and on hover, as its title).
  assert.equal(await value('Session expiry interval').first().textContent(), '1 day (86,400 seconds)');
  assert.equal(await value('Keep-alive').first().textContent(), '1 minute (60 seconds)');
  const packet = Number(described.maximumPacketSize);
  if (packet === 268_435_455) {
    assert.equal(await value('Maximum packet size').first().textContent(), '256 MiB (268,435,455 bytes)');
    assert.equal(await value('Maximum packet size').first().getAttribute('title'), '268,435,455 bytes');
  } else {
    assert.match(await value('Maximum packet size').first().getAttribute('title') ?? '', /bytes$/);
  }
  assert.equal(await page.getByRole('region', { name: 'Will message' }).count(), 0, 'no will card without a will');
  assert.equal(await page.getByText('Will QoS').count(), 0);
  assert.equal(await page.getByRole('region', { name: 'User properties' }).count(), 0, 'no empty user properties card');
  await saveScreenshot('session-detail-settings-1440');

  await open(screens[3]!);
  const will = page.getByRole('region', { name: 'Will message' });
  assert.match(await will.innerText(), /narrow\/will\/gone/);
  const willDescribed = await api.describe('narrow-will');
  assert.match(await will.innerText(), new RegExp(`Will QoS\\s+${String(willDescribed.willQoS)}\\n`));
  assert.match(await will.innerText(), /Will delay\s+30 seconds/);
  assertConsoleErrors(page);
});

test('at 390 px the detail page’s tables fit or scroll in a named region a keyboard reaches', async () => {
  await page.setViewportSize(PHONE);
  await open(screens[2]!);
  // The Health table wraps its labels and fits the phone; it is no extra Tab stop.
  const health = page.getByRole('table', { name: 'Health thresholds and current values' });
  assert.equal(await health.evaluate((table) => table.parentElement!.scrollWidth <= table.parentElement!.clientWidth), true, 'the Health table fits at 390 px');
  assert.equal(await page.getByRole('region', { name: 'Health thresholds' }).count(), 0);
  // The statistics table is wider: it scrolls in its own named region, reachable by Tab.
  const region = page.getByRole('region', { name: 'Message statistics' });
  await region.waitFor();
  assert.equal(await region.getAttribute('tabindex'), '0');
  assert.ok(await region.evaluate((el) => el.scrollWidth > el.clientWidth), 'it does scroll at 390 px');
  await region.focus();
  await page.keyboard.press('ArrowRight');
  await eventually(async () => assert.ok(await region.evaluate((el) => el.scrollLeft > 0, undefined, READ), 'the arrow key scrolls it'));
  // Where the table fits it is a plain box again, not an extra Tab stop.
  await page.setViewportSize(DESKTOP);
  await eventually(async () => assert.equal(await page.getByRole('region', { name: 'Message statistics' }).count(), 0));
  assertConsoleErrors(page);
});

for (const [size, viewport] of [['1440', DESKTOP], ['390', PHONE]] as const) {
  test(`axe finds no violation on the sessions list, detail and overview at ${size} px`, async () => {
    await page.setViewportSize(viewport);
    for (const screen of [screens[0]!, screens[1]!, screens[2]!, screens[3]!]) {
      await open(screen);
      const violations = await axeViolations(page);
      assert.deepEqual(violations.map((v) => v.id), [], `${screen.path} at ${size} px:\n${describeViolations(violations)}`);
      if (size === '1440') await saveScreenshot(`${screen.name}-1440`);
    }
    assertConsoleErrors(page);
  });
}
