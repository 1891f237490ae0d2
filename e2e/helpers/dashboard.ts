// Driving the dashboard the way a user does: sign in, read and filter the sessions table,
// confirm dialogs, switch the theme, take screenshots. Elements are found by role and name.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { newCheckedPage } from './browser';
import type { RunningServer } from './server';

export const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots/', import.meta.url));

const consoleErrors = new WeakMap<Page, string[]>();

/**
 * A checked page (see browser.ts) whose console errors this module can also judge against a list
 * of expected ones: Chromium logs every failed (4xx) request as a console error, and a test that
 * provokes one on purpose (a wrong password) must allow exactly that entry.
 */
export async function newPage(browser: Browser): Promise<Page> {
  const page = await newCheckedPage(browser);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  consoleErrors.set(page, errors);
  page.setDefaultTimeout(15_000);
  return page;
}

/**
 * Every console error must match one of `expected` (each pattern used once), and every pattern
 * must have been seen: the expected entries, nothing else. The errors judged are forgotten, so a
 * page shared by several tests is judged per test.
 */
export function assertConsoleErrors(page: Page, expected: RegExp[] = []): void {
  const collected = consoleErrors.get(page);
  assert.ok(collected, 'assertConsoleErrors needs a page from newPage');
  // Judged once: a page shared by several tests starts each with a clean slate.
  const errors = collected.splice(0);
  const unused = [...expected];
  const unexpected: string[] = [];
  for (const error of errors) {
    const i = unused.findIndex((pattern) => pattern.test(error));
    if (i === -1) unexpected.push(error);
    else unused.splice(i, 1);
  }
  assert.deepEqual(unexpected, [], `unexpected browser console errors:\n${unexpected.join('\n')}`);
  assert.deepEqual(unused.map(String), [], `expected console errors that did not occur (all errors:\n${errors.join('\n')})`);
}

/** The console errors so far, forgotten here (for a test that must clean up before it judges them). */
export function takeConsoleErrors(page: Page): string[] {
  const collected = consoleErrors.get(page);
  assert.ok(collected, 'takeConsoleErrors needs a page from newPage');
  return collected.splice(0);
}

/**
 * For `afterEach`: leaves the app (about:blank; the sign-in cookie stays) so nothing a finished or
 * failed test started can log into the next test, and reports what was still unjudged.
 */
export async function leaveApp(page: Page | undefined, diagnostic: (message: string) => void): Promise<void> {
  if (!page || page.isClosed()) return;
  await page.goto('about:blank').catch(() => {});
  const leftover = takeConsoleErrors(page);
  if (leftover.length) diagnostic(`browser console errors not judged by the test:\n${leftover.join('\n')}`);
}

/**
 * For a locator read inside `eventually`: it waits at most this long for its element, so the loop
 * tries again within its own deadline. A read's default timeout is the page's (15 s), as long as
 * the loop's: one read of an element that has gone for good then used up the whole loop.
 */
export const READ = { timeout: 2_000 };

/** Retries an assertion until it passes or `timeoutMs` runs out (then its last failure is thrown). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000, intervalMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(intervalMs);
    }
  }
}

/** Signs in through the login form (as admin unless `account` is given) and waits to leave the login page. */
export async function signIn(page: Page, server: RunningServer, path = '/sessions', account?: { username: string; password: string }): Promise<void> {
  await page.goto(`${server.baseUrl}${path}`);
  await page.getByRole('heading', { level: 1, name: 'Sign in', exact: true }).waitFor();
  await page.getByLabel('Username', { exact: true }).fill(account?.username ?? 'admin');
  await page.getByLabel('Password', { exact: true }).fill(account?.password ?? server.adminPassword);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

export const sessionsTable = (page: Page): Locator => page.getByRole('table', { name: 'Sessions', exact: true });

/** The client names shown in the table, top to bottom (none while skeleton rows show). */
export async function tableNames(page: Page): Promise<string[]> {
  return sessionsTable(page).locator('tbody tr:not(.skeleton-row)').getByRole('link').allTextContents();
}

/** Waits until the table shows exactly these names (as a set, or in this order with `ordered`). */
export async function waitForTableNames(page: Page, expected: string[], { ordered = false, timeoutMs = 15_000 } = {}): Promise<void> {
  await eventually(async () => {
    assert.equal(await sessionsTable(page).getAttribute('aria-busy', READ), 'false', 'the table is still loading');
    const names = await tableNames(page);
    if (ordered) assert.deepEqual(names, expected);
    else assert.deepEqual([...names].sort(), [...expected].sort());
  }, timeoutMs);
}

/** The table row of one session. */
export const tableRow = (page: Page, clientName: string): Locator =>
  sessionsTable(page).getByRole('row').filter({ has: page.getByRole('link', { name: clientName, exact: true }) });

/** Opens a multi-select filter (a button named by its label and value) and toggles options. */
export async function chooseFilterOptions(page: Page, label: string, options: string[]): Promise<void> {
  await page.getByRole('group', { name: 'Filters' }).getByRole('button', { name: new RegExp(`^${label}\\b`) }).click();
  const listbox = page.getByRole('listbox', { name: label, exact: true });
  for (const option of options) await listbox.getByRole('option', { name: option, exact: true }).click();
  await page.keyboard.press('Escape');
  await listbox.waitFor({ state: 'hidden' });
}

/** The confirm dialog (role alertdialog) with this title, its confirm button pressed. */
export async function confirm(page: Page, title: string, confirmLabel: string): Promise<void> {
  const dialog = page.getByRole('alertdialog', { name: title, exact: true });
  await dialog.getByRole('button', { name: confirmLabel, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** Waits for a toast (React Aria toasts are alertdialogs) whose text contains `title`. */
export async function waitForToast(page: Page, title: string): Promise<void> {
  try {
    await page.locator('.toast-region').getByRole('alertdialog').filter({ hasText: title }).first().waitFor();
  } catch (error) {
    const shown = await page.locator('.toast-region').ariaSnapshot({ timeout: 1000 }).catch(() => '(no toast region)');
    const main = ((await page.locator('main').innerText({ timeout: 1000 }).catch(() => '')) ?? '').replace(/\s+/g, ' ').slice(0, 200);
    throw new Error(`no toast "${title}" at ${page.url()}; toasts shown:\n${shown}\npage: ${main}`, { cause: error });
  }
}

/** Light or dark through the theme menu in the header (kept in localStorage). */
export async function chooseTheme(page: Page, theme: 'Light' | 'Dark' | 'System'): Promise<void> {
  await page.getByRole('button', { name: /^Theme: / }).click();
  await page.getByRole('menu', { name: 'Theme' }).getByRole('menuitemradio', { name: theme }).click();
  const attr = theme === 'System' ? null : theme.toLowerCase();
  await eventually(async () => assert.equal(await page.locator('html').getAttribute('data-theme'), attr));
  await page.getByRole('menu', { name: 'Theme' }).waitFor({ state: 'hidden' });
}

/**
 * A screenshot in e2e/screenshots (git-ignored). Full page by default, from the top (a sticky
 * header would otherwise be drawn where the page was scrolled to); `fullPage: false` for modal
 * dialogs, whose fixed overlay covers only the viewport. `dir`: another folder (docs/screenshots/, ending in /).
 */
export async function screenshot(page: Page, name: string, { fullPage = true, dir = SCREENSHOT_DIR } = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = `${dir}${name}.png`;
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage, animations: 'disabled' });
  return path;
}
