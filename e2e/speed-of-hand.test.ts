// Issue 13, live control and speed of hand, against a real server, real MQTT clients and Chromium:
// pausing the live table (rows stay put, "N changes — Apply", fixed column widths), keyboard
// shortcuts (/, j/k, arrows, Enter, ?, g then a letter), the Ctrl+K command palette, focus on the
// new page's heading after navigation, and Settings' sub-pages.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './helpers/browser';
import { assertConsoleErrors, eventually, leaveApp, READ, newPage, sessionsTable, signIn, tableNames, waitForTableNames } from './helpers/dashboard';
import { connectClient } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';
import { tearDown } from './helpers/teardown';

const DOCS_SCREENSHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
/** Connected in this order, so "last connect, newest first" lists them backwards. */
const FLEET = ['hand-a', 'hand-b', 'hand-c'];
const LONG_NAME = 'hand-d-with-a-much-longer-client-name-than-the-others';

let server: RunningServer;
let browser: Browser;
let page: Page;

/** MQTT 3.1.1 with a persistent session: the session (and its row) stays while disconnected. */
const connect = (name: string) => connectClient(server.mqttPort, name, { protocolVersion: 4, clean: false });

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  for (const name of FLEET) await connect(name);
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(() => tearDown(server, browser));

/** The tag and text of the focused element. */
const focused = (p: Page) => p.evaluate(() => ({ tag: document.activeElement?.tagName ?? '', text: document.activeElement?.textContent?.trim() ?? '', type: (document.activeElement as HTMLInputElement | null)?.type ?? '' }));

/** The focused element is the page's h1, whose text is `name` (a session's reads "Session <name>"). */
async function waitForHeadingFocus(p: Page, name: string | RegExp): Promise<void> {
  await eventually(async () => {
    const { tag, text } = await focused(p);
    assert.equal(tag, 'H1');
    if (typeof name === 'string') assert.equal(text, name);
    else assert.match(text, name);
  });
}

const sessionHeading = (name: string) => new RegExp(`^Session\\s*${name}$`);

const columnWidths = (p: Page) => sessionsTable(p).locator('thead th').evaluateAll((ths) => ths.map((th) => Math.round(th.getBoundingClientRect().width)));

test('paused, the table keeps its rows and column widths while sessions change; "N changes — Apply" shows the new data', async () => {
  page = await newPage(browser);
  await signIn(page, server, '/sessions?q=hand-&sort=lastConnect&dir=desc');
  await waitForTableNames(page, ['hand-c', 'hand-b', 'hand-a'], { ordered: true });
  const widths = await columnWidths(page);

  await page.getByRole('button', { name: 'Pause live updates', exact: true }).click();
  await page.getByRole('button', { name: 'Resume live updates', exact: true }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Paused: no changes yet' }).waitFor();

  // A new client with a much longer name arrives, then hand-a connects again (newest last connect).
  await connect(LONG_NAME);
  await connect('hand-a');
  const apply = page.getByRole('button', { name: /^\d+ changes? — Apply$/ });
  // Both changes have reached the cache (the feed batches): the new row and hand-a's new connect.
  await eventually(async () => assert.ok(Number((await apply.innerText(READ)).split(' ')[0]) >= 2, await apply.innerText(READ)));
  // Still the page as it was when paused: same rows, same order, same widths.
  assert.deepEqual(await tableNames(page), ['hand-c', 'hand-b', 'hand-a']);
  assert.deepEqual(await columnWidths(page), widths);
  await page.screenshot({ path: `${DOCS_SCREENSHOTS}sessions-paused.png`, animations: 'disabled' });

  await apply.click();
  await waitForTableNames(page, ['hand-a', LONG_NAME, 'hand-c', 'hand-b'], { ordered: true });
  assert.deepEqual(await columnWidths(page), widths, 'column widths do not follow the data');
  await apply.waitFor({ state: 'hidden' });
  await page.getByRole('button', { name: 'Resume live updates', exact: true }).click();
  await page.getByRole('button', { name: 'Pause live updates', exact: true }).waitFor();
  assertConsoleErrors(page);
});

test('keyboard: / focuses search, typed keys stay in the field, j/k and arrows move between rows, Enter opens, focus lands on the heading', async () => {
  page = await newPage(browser);
  await signIn(page, server, '/sessions?q=hand-');
  // The fleet, and the long-named client when the pause test ran first.
  const names = await eventually(async () => {
    const shown = await tableNames(page);
    assert.ok(FLEET.every((n) => shown.includes(n)), shown.join());
    return shown;
  });

  await page.keyboard.press('/');
  assert.equal((await focused(page)).type, 'search');
  // While typing, j, k, g, ? and / are text, not shortcuts.
  await page.keyboard.press('End');
  await page.keyboard.type('j?/g');
  assert.equal(await page.locator('main input[type="search"]').first().inputValue(), 'hand-j?/g');
  assert.equal((await focused(page)).type, 'search');
  assert.equal(await page.getByRole('dialog').count(), 0);
  await page.locator('main input[type="search"]').first().fill('hand-');
  await waitForTableNames(page, names);

  // Out of the field (the heading takes focus), j goes to the first row, then down and up.
  await page.getByRole('heading', { level: 1, name: 'Sessions', exact: true }).evaluate((h) => {
    (h as HTMLElement).tabIndex = -1;
    (h as HTMLElement).focus();
  });
  await page.keyboard.press('j');
  assert.deepEqual(await focused(page), { tag: 'A', text: names[0], type: '' });
  await page.keyboard.press('j');
  assert.equal((await focused(page)).text, names[1]);
  await page.keyboard.press('ArrowDown');
  assert.equal((await focused(page)).text, names[2]);
  await page.keyboard.press('k');
  await page.keyboard.press('ArrowUp');
  assert.equal((await focused(page)).text, names[0]);
  // A visible focus ring on the focused row's link.
  assert.equal(await page.evaluate(() => document.activeElement?.matches(':focus-visible')), true);

  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === `/sessions/${names[0]}`);
  await waitForHeadingFocus(page, sessionHeading(names[0]!));
  // And a polite live region names the new page for screen readers.
  await eventually(async () => assert.match(await page.locator('.sr-only[aria-live="polite"]').last().innerText(READ), new RegExp(names[0]!)));

  // ? lists the shortcuts; Escape closes the list.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.getByRole('cell', { name: 'Open the command palette: go to a session, a screen or an action' }).waitFor();
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'hidden' });

  // g then a letter goes to a screen, and focus moves to its heading.
  await page.keyboard.press('g');
  await page.keyboard.press('o');
  await page.waitForURL((url) => url.pathname === '/overview');
  await waitForHeadingFocus(page, 'Overview');
  await page.keyboard.press('g');
  await page.keyboard.press('t');
  await page.waitForURL((url) => url.pathname === '/settings/account');
  await waitForHeadingFocus(page, 'Settings');
  assertConsoleErrors(page);
});

test('Ctrl+K opens the command palette: a session found by substring, a screen, an action', async () => {
  page = await newPage(browser);
  await signIn(page, server, '/overview');
  await page.getByRole('heading', { level: 1, name: 'Overview', exact: true }).waitFor();

  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.waitFor();
  const input = palette.getByRole('searchbox', { name: 'Go to a session, screen or action' });
  assert.equal(await input.evaluate((el) => el === document.activeElement), true);
  // A substring from the middle of the name: the server's search, not a prefix.
  await input.fill('nd-b');
  const listbox = palette.getByRole('listbox', { name: 'Results' });
  await listbox.getByRole('option', { name: /^hand-b/ }).waitFor();
  await page.screenshot({ path: `${DOCS_SCREENSHOTS}command-palette.png`, animations: 'disabled' });
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === '/sessions/hand-b');
  await palette.waitFor({ state: 'hidden' });
  await waitForHeadingFocus(page, sessionHeading('hand-b'));

  // Screens and actions are filtered by what is typed; arrows choose, Enter runs.
  await page.keyboard.press('Control+k');
  await input.fill('settings');
  // Empty, the palette lists every screen; typed, only those that match stay.
  await listbox.getByRole('option', { name: /^Overview/ }).waitFor({ state: 'detached' });
  await listbox.getByRole('option', { name: /^Settings: MQTT clients/ }).waitFor();
  await input.fill('banned');
  await listbox.getByRole('option', { name: 'Show banned sessions' }).waitFor();
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === '/sessions' && url.searchParams.get('status') === 'banned');
  await waitForHeadingFocus(page, 'Sessions');
  assertConsoleErrors(page);
});

test('Settings has a sub-navigation; each sub-page has its own URL', async () => {
  page = await newPage(browser);
  await signIn(page, server, '/settings');
  await page.waitForURL((url) => url.pathname === '/settings/account');
  const subnav = page.getByRole('navigation', { name: 'Settings' });
  await page.getByRole('region', { name: 'Change password', exact: true }).waitFor();
  assert.equal(await subnav.getByRole('link', { name: 'Your account' }).getAttribute('aria-current'), 'page');

  await subnav.getByRole('link', { name: 'Accounts and API keys' }).click();
  await page.waitForURL((url) => url.pathname === '/settings/access');
  await page.getByRole('region', { name: 'API keys', exact: true }).waitFor();
  assert.equal(await page.getByRole('region', { name: 'Change password', exact: true }).count(), 0);
  await waitForHeadingFocus(page, 'Settings');
  assert.equal(await page.title(), 'Accounts and API keys · Settings · mqdash');

  await page.goto(`${server.baseUrl}/settings/mqtt`);
  await page.getByRole('region', { name: 'MQTT clients', exact: true }).waitFor();
  await page.goBack();
  await page.getByRole('region', { name: 'API keys', exact: true }).waitFor();
  assertConsoleErrors(page);
});

test('saved views: save the filters, sort and columns shown under a name, choose it again from the menu; the URL carries it', async () => {
  page = await newPage(browser);
  await signIn(page, server, '/sessions?q=hand-b&sort=lastConnect&dir=desc');
  await waitForTableNames(page, ['hand-b']);
  // Hide the Reason column, then save this as a view.
  await page.getByRole('button', { name: 'Columns', exact: true }).click();
  await page.getByRole('menuitemcheckbox', { name: 'Reason', exact: true }).click();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Views', exact: true }).click();
  await page.getByRole('menu').getByRole('menuitem', { name: 'Save current view…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save current view' });
  await dialog.getByLabel('Name').fill('Only hand-b, newest first');
  await dialog.getByRole('button', { name: 'Save view', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('button', { name: 'View: Only hand-b, newest first' }).waitFor();

  // Elsewhere, with every column: choosing the view brings back its filters, sort and columns.
  await page.goto(`${server.baseUrl}/sessions?q=hand-`);
  await page.getByRole('button', { name: 'Columns', exact: true }).click();
  await page.getByRole('menuitemcheckbox', { name: 'Reason', exact: true }).click();
  await page.keyboard.press('Escape');
  await sessionsTable(page).getByRole('columnheader', { name: 'Reason' }).waitFor();
  await page.getByRole('button', { name: 'Views', exact: true }).click();
  await page.getByRole('menu').getByRole('menuitem', { name: 'Only hand-b, newest first' }).click();
  await waitForTableNames(page, ['hand-b']);
  const url = new URL(page.url());
  assert.deepEqual([url.searchParams.get('q'), url.searchParams.get('sort'), url.searchParams.get('dir')], ['hand-b', 'lastConnect', 'desc']);
  assert.equal(await sessionsTable(page).getByRole('columnheader', { name: 'Reason' }).count(), 0);

  // Stored on the server for this account.
  const views = await page.evaluate(async () => (await (await fetch('/bff/views')).json()) as { data: Array<{ name: string; search: string; columns: string[] }> });
  assert.deepEqual(views.data.map((v) => [v.name, v.search]), [['Only hand-b, newest first', 'q=hand-b&sort=lastConnect&dir=desc']]);
  assert.ok(!views.data[0]!.columns.includes('reason'));

  await page.getByRole('button', { name: 'View: Only hand-b, newest first' }).click();
  await page.getByRole('menu').getByRole('menuitem', { name: 'Delete view “Only hand-b, newest first”' }).click();
  await page.getByRole('button', { name: 'Views', exact: true }).waitFor();
  assertConsoleErrors(page);
});
