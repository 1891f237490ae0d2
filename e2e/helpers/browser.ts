// Debian's Chromium driven by playwright-core; pages that fail the test on any console error.
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const errorsByPage = new WeakMap<Page, string[]>();

/** A new page (in its own context) whose console errors and uncaught exceptions are collected. */
export async function newCheckedPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  errorsByPage.set(page, errors);
  return page;
}

export function assertNoConsoleErrors(page: Page): void {
  const errors = errorsByPage.get(page);
  assert.ok(errors, 'assertNoConsoleErrors needs a page from newCheckedPage');
  assert.deepEqual(errors, [], `browser console errors:\n${errors.join('\n')}`);
}
