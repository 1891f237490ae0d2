import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { assertNoConsoleErrors, launchBrowser, newCheckedPage } from './helpers/browser';
import { startServer, type RunningServer } from './helpers/server';

const screenshotPath = fileURLToPath(new URL('./screenshots/home.png', import.meta.url));

let server: RunningServer | undefined;
let browser: Browser | undefined;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the dashboard opens at /, names the product and asks a visitor to sign in', async () => {
  assert.ok(server && browser);
  const page = await newCheckedPage(browser);

  const response = await page.goto(`${server.baseUrl}/`);
  assert.equal(response?.status(), 200);
  await page.getByRole('heading', { level: 1, name: 'Sign in', exact: true }).waitFor();
  await page.getByRole('main').getByText('mqdash', { exact: true }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.match(await page.title(), /mqdash/);

  await mkdir(dirname(screenshotPath), { recursive: true });
  await page.screenshot({ path: screenshotPath, fullPage: true });
  assertNoConsoleErrors(page);
});
