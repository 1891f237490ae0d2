// Issue 13 against the real compiled server started without ADMIN_PASSWORD, with real MQTT clients
// from several source addresses: "First start" (the log line says where to go and where the first
// password is; the login page says where it is until the first sign-in) and "Search" (the search
// box by a part of the client id, the user name and the IP address; the user name, IP/CIDR,
// protocol and label filters, each kept in the URL).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { jsonApi } from './helpers/api';
import { launchBrowser } from './helpers/browser';
import { assertConsoleErrors, chooseFilterOptions, eventually, leaveApp, newPage, screenshot, waitForTableNames } from './helpers/dashboard';
import { connectClient } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';
import { tearDown } from './helpers/teardown';

/** Client id, user name, source address, protocol version. */
const fleet = [
  ['hall-1/press-01', 'fleet-svc', '127.0.0.21', 5],
  ['hall-1/press-02', 'fleet-svc', '127.0.0.22', 4],
  ['hall-2/robot-07', 'robots', '127.0.3.5', 5],
  ['yard/gate-x', 'yard-keeper', '127.0.3.6', 4],
] as const;
const ALL = fleet.map(([name]) => name);

let server: RunningServer;
let browser: Browser;
let page: Page;
let password: string;

before(async () => {
  [server, browser] = await Promise.all([startServer({ env: { ADMIN_PASSWORD: '' } }), launchBrowser()]);
  password = (await readFile(join(server.dataDir, 'initial-admin-password'), 'utf8')).trim();
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(() => tearDown(server, browser));

test('first start: the log line says where to go and where the first password is; the login page too, until the first sign-in', async () => {
  const line = server.output().split('\n').find((l) => l.includes('"event":"mqdash listening"'));
  assert.ok(line, 'the listening line is in the log');
  const { msg } = JSON.parse(line) as { msg: string };
  assert.equal(msg, `mqdash is running: open ${server.baseUrl} and sign in as admin (first password in ${join(server.dataDir, 'initial-admin-password')})`);

  page = await newPage(browser);
  await page.goto(`${server.baseUrl}/login`);
  const hint = page.getByRole('note', { name: 'First start' });
  await hint.waitFor();
  assert.match(await hint.textContent() ?? '', /sign in as admin with the password .* initial-admin-password/);
  await screenshot(page, 'login-first-start');

  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/login');

  // Signed in once: a later visit to the login page (another browser) shows no hint.
  const other = await newPage(browser);
  await other.goto(`${server.baseUrl}/login`);
  await other.getByRole('heading', { level: 1, name: 'Sign in', exact: true }).waitFor();
  await eventually(async () => assert.deepEqual(await (await fetch(`${server.baseUrl}/bff/first-start`)).json(), { firstStart: false }));
  await other.reload();
  await other.getByRole('heading', { level: 1, name: 'Sign in', exact: true }).waitFor();
  assert.equal(await other.getByRole('note', { name: 'First start' }).count(), 0);
  assertConsoleErrors(other);
  await other.close();
  assertConsoleErrors(page);
});

test('search by a part of the client id, the user name and the IP address; user name, IP/CIDR, protocol and label filters', async () => {
  for (const [clientId, username, localAddress, protocolVersion] of fleet)
    await connectClient(server.mqttPort, clientId, { username, localAddress, protocolVersion });
  const api = await jsonApi({ ...server, adminPassword: password });
  await api.ok('alterMqSession', { clientName: 'yard/gate-x', label: { group: 'zone', name: 'outside' } });
  await api.ok('alterMqSession', { clientName: 'hall-2/robot-07', label: { group: 'zone', name: 'cell 4' } });

  page = await newPage(browser);
  await page.goto(`${server.baseUrl}/sessions`);
  await page.getByRole('heading', { level: 1, name: 'Sign in', exact: true }).waitFor();
  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForTableNames(page, ALL);
  const url = () => new URL(page.url()).searchParams;

  const search = page.getByRole('searchbox', { name: 'Search sessions' });
  assert.equal(await search.getAttribute('placeholder'), 'Client ID, user name, IP or label');
  await search.fill('ESS-0');
  await waitForTableNames(page, ['hall-1/press-01', 'hall-1/press-02']);
  assert.equal(url().get('q'), 'ESS-0');
  await search.fill('bots');
  await waitForTableNames(page, ['hall-2/robot-07']);
  await search.fill('127.0.3.');
  await waitForTableNames(page, ['hall-2/robot-07', 'yard/gate-x']);
  await search.fill('outsi');
  await waitForTableNames(page, ['yard/gate-x']);
  await page.getByRole('button', { name: 'Clear search' }).click();
  await waitForTableNames(page, ALL);

  /** Types into a text filter, waits for the table, and checks the URL. */
  const filterBy = async (label: string, text: string, expected: string[], param: string) => {
    await page.getByRole('searchbox', { name: label }).fill(text);
    await waitForTableNames(page, expected);
    assert.equal(url().get(param), text || null);
  };
  await filterBy('User name', 'fleet-svc', ['hall-1/press-01', 'hall-1/press-02'], 'username');
  await filterBy('User name', '', ALL, 'username');
  await filterBy('IP or CIDR', '127.0.3.0/24', ['hall-2/robot-07', 'yard/gate-x'], 'ip');
  await filterBy('IP or CIDR', '127.0.0.22', ['hall-1/press-02'], 'ip');
  // Not an address: said beside the field, and not sent.
  await page.getByRole('searchbox', { name: 'IP or CIDR' }).fill('127.0.3.0/99');
  await page.getByText(/Enter an IP address or CIDR range/).waitFor();
  assert.equal(url().get('ip'), '127.0.0.22');
  await filterBy('IP or CIDR', '', ALL, 'ip');

  await chooseFilterOptions(page, 'Protocol', ['MQTT 3.1.1']);
  await waitForTableNames(page, ['hall-1/press-02', 'yard/gate-x']);
  assert.equal(url().get('protocol'), '3.1.1');
  await chooseFilterOptions(page, 'Labels', ['zone / outside (1)', 'zone / cell 4 (1)']);
  await waitForTableNames(page, ['yard/gate-x']);
  assert.match(url().get('labels') ?? '', /^\d+,\d+$/);

  // The whole view comes back from its URL.
  await page.reload();
  await waitForTableNames(page, ['yard/gate-x']);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await waitForTableNames(page, ALL);
  assertConsoleErrors(page);
});
