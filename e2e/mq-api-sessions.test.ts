// Issue 13, MQ API sessions in the dashboard, against the real server and Chromium: sessions made
// and used through the real JSON API (publishMessagesToMq, subscribeToMq, getMessagesFromMqApiSession)
// read Active or Idle with "last used …" (the exact time on hover) and their backlog, in the
// sessions table and on the session page, never "Disconnected / Offline".
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { jsonApi, type JsonApi } from './helpers/api';
import { launchBrowser } from './helpers/browser';
import { assertConsoleErrors, eventually, leaveApp, newPage, READ, screenshot, signIn, tableRow, waitForTableNames } from './helpers/dashboard';
import { startServer, type RunningServer } from './helpers/server';

const READER = 'mqapi-reader';
/** Keep-alive 2 s: the broker's active window is 3 s (keep-alive × 1.5), so it turns Idle soon. */
const WRITER = 'mqapi-writer';
const TOPIC = 'mqapi/e2e';

let server: RunningServer;
let browser: Browser;
let api: JsonApi;
let page: Page;

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  api = await jsonApi(server);
  await api.ok('createMqApiSession', { clientName: READER });
  await api.ok('createMqApiSession', { clientName: WRITER, keepAliveSeconds: 2 });
  await api.ok('subscribeToMq', { clientName: READER, subscriptionActions: [{ subscriptionAction: 'add', topicFilter: TOPIC, qos: 1 }] });
  page = await newPage(browser);
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, server);
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(async () => {
  await browser?.close();
  await server?.stop();
  if (server) await rm(server.dataDir, { recursive: true, force: true });
});

const connectionCell = async (name: string) => {
  const row = tableRow(page, name);
  const headers = await page.getByRole('columnheader').allTextContents();
  const index = headers.findIndex((h) => h.trim().startsWith('Connection'));
  assert.ok(index >= 0, `a Connection column among ${headers.join(' | ')}`);
  return row.getByRole('cell').nth(index);
};

test('used MQ API sessions read Active with "last used" and their backlog in the table, Idle once the window passes', async () => {
  await page.goto(`${server.baseUrl}/sessions?prefix=mqapi-`);
  await waitForTableNames(page, [READER, WRITER]);
  // Never used: Idle, never used, not "Disconnected"; health says so too.
  assert.match(await (await connectionCell(WRITER)).innerText(READ), /Idle\s+never used, backlog 0/);
  assert.doesNotMatch(await tableRow(page, WRITER).innerText(READ), /Disconnected|Offline/);
  assert.match(await tableRow(page, WRITER).innerText(READ), /Not used yet/);

  // The writer publishes 3 messages; the reader's subscription queues them and it reads one.
  await api.ok('publishMessagesToMq', { clientName: WRITER, topic: TOPIC, messages: [{ payload: 'a', qos: 1 }, { payload: 'b', qos: 1 }, { payload: 'c', qos: 1 }] });
  const got = await api.ok<{ data?: unknown[] } | unknown[]>('getMessagesFromMqApiSession', { clientName: READER, maxMessages: 1 });
  assert.equal((Array.isArray(got) ? got : got.data ?? []).length, 1, JSON.stringify(got));
  const reader = await api.describe(READER);
  assert.equal(reader.connectionStatus, 'connectedTemporarily');
  assert.ok(typeof reader.lastUsedDateTime === 'string', `lastUsedDateTime: ${JSON.stringify(reader)}`);
  assert.equal(reader.stats?.currentDeliveryBacklogged, 2);

  await page.reload();
  await waitForTableNames(page, [READER, WRITER]);
  await eventually(async () => assert.match(await (await connectionCell(READER)).innerText(READ), /^Active\s+last used (now|\d+ seconds? ago), backlog 2$/));
  const time = (await connectionCell(READER)).locator('time');
  assert.equal(await time.getAttribute('datetime', READ), reader.lastUsedDateTime, 'the exact time is the broker\'s');
  assert.ok((await time.getAttribute('title', READ))?.match(/\d/), 'the exact time on hover');
  await screenshot(page, 'mq-api-sessions-table', { fullPage: false });

  // 3 s without use: the writer turns Idle (the live table hears it), still "last used".
  await eventually(async () => assert.match(await (await connectionCell(WRITER)).innerText(READ), /^Idle\s+last used \d+ seconds? ago, backlog 0$/), 20_000);
  assert.equal((await api.describe(WRITER)).connectionStatus, 'disconnected');
  assertConsoleErrors(page);
});

test('the session page shows the MQ API session\'s state, last use, backlog and health instead of its connection', async () => {
  await api.ok('getMessagesFromMqApiSession', { clientName: READER, maxMessages: 1 });
  const reader = await api.describe(READER);
  await page.goto(`${server.baseUrl}/sessions/${READER}`);
  const strip = page.locator('dl[aria-label="Key facts"]');
  await eventually(async () => {
    const text = await strip.innerText(READ);
    assert.match(text, /State\s+Active\s+last used (now|\d+ seconds? ago)/);
    assert.match(text, /Backlog\s+1\b/);
    assert.doesNotMatch(text, /Uptime|Offline for|Never connected/);
  });
  assert.equal(await strip.locator('time').first().getAttribute('datetime', READ), reader.lastUsedDateTime);
  const card = await page.getByRole('region', { name: 'Connection', exact: true }).innerText(READ);
  assert.match(card, /State\s+Active\s+last used .+, backlog 1/);
  assert.doesNotMatch(card, /Connection status/);
  const badges = await page.locator('.badge-row').innerText(READ);
  assert.match(badges, /Active/);
  assert.doesNotMatch(badges, /Connected|Disconnected|Offline/);
  // Health: measured (it was used and has a subscription), not "offline".
  assert.notEqual(reader.stats?.sessionHealth, 'offline');
  assert.match(await strip.innerText(READ), /Health\s+(Healthy|.*above|.*below)/);
  await screenshot(page, 'mq-api-session-detail', { fullPage: false });

  // The writer, idle: Idle with its last use, not "Offline for".
  await page.goto(`${server.baseUrl}/sessions/${WRITER}`);
  await eventually(async () => assert.match(await strip.innerText(READ), /State\s+Idle\s+last used \d+ (seconds?|minutes?) ago/));
  assertConsoleErrors(page);
});
