// The sessions table against a real server with real MQTT clients: sign-in, the listed clients,
// every filter kind, sorting, hide / show hidden, CSV export, and screenshots in both themes.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { jsonApi, type JsonApi } from './helpers/api';
import { launchBrowser } from './helpers/browser';
import {
  assertConsoleErrors, chooseFilterOptions, chooseTheme, eventually, leaveApp, newPage, screenshot, sessionsTable, tableNames,
  tableRow, waitForTableNames, waitForToast,
} from './helpers/dashboard';
import { closeAllClients, connectClient, endClient, publishMessages } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';

/**
 * The fleet under the `fleet-` prefix:
 *   fleet-a1   MQTT 5, connected, label site/north, no thresholds → healthy
 *   fleet-a2   MQTT 3.1.1, connected, max send rate 1/min and publishing → unhealthy
 *   fleet-b1   MQTT 3.1.1 persistent session, disconnected → offline
 *   fleet-b2   MQTT 3.1.1 persistent session, disconnected, banned → offline
 *   fleet-mqapi1 MQ API session, never used
 * `shy-1` (elsewhere in the namespace) is hidden and found again by the hide test.
 */
const ALL = ['fleet-a1', 'fleet-a2', 'fleet-b1', 'fleet-b2', 'fleet-mqapi1'];
/** The order the MQTT clients connected in (their last connect times). */
const CONNECT_ORDER = ['fleet-a1', 'fleet-a2', 'fleet-b1', 'fleet-b2'];

let server: RunningServer;
let browser: Browser;
let api: JsonApi;
let page: Page;
let a1: MqttClient;
let publisher: NodeJS.Timeout | undefined;

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  api = await jsonApi(server);
  a1 = await connectClient(server.mqttPort, 'fleet-a1', { protocolVersion: 5 });
  const a2 = await connectClient(server.mqttPort, 'fleet-a2', { protocolVersion: 4 });
  for (const name of ['fleet-b1', 'fleet-b2']) {
    const client = await connectClient(server.mqttPort, name, { protocolVersion: 4, clean: false, subscribe: [`cmd/${name}`] });
    await endClient(client, true);
  }
  await connectClient(server.mqttPort, 'shy-1', { protocolVersion: 5 });
  await api.ok('alterMqSession', { clientName: 'fleet-a1', label: { group: 'site', name: 'north' } });
  await api.ok('alterMqSession', { clientName: 'fleet-a2', maxHealthySendRatePerMinute: 1 });
  await api.ok('alterMqSession', { clientName: 'fleet-b2', sessionStatus: 'banned' });
  await api.ok('createMqApiSession', { clientName: 'fleet-mqapi1' });
  // Keeps fleet-a2 above its maximum send rate for as long as the file runs (the rate is per minute).
  await publishMessages(a2, 'fleet/a2/telemetry', 5);
  publisher = setInterval(() => void a2.publishAsync('fleet/a2/telemetry', 'tick', { qos: 0 }).catch(() => {}), 4_000);
  await eventually(async () => assert.equal((await api.describe('fleet-a2')).stats?.sessionHealth, 'unhealthy'));
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(async () => {
  clearInterval(publisher);
  await closeAllClients();
  await browser?.close();
  await server?.stop();
  if (server) await rm(server.dataDir, { recursive: true, force: true });
});

test('sign-in: a wrong password is refused with a message, the right one opens the sessions table', async () => {
  page = await newPage(browser);
  await page.goto(`${server.baseUrl}/sessions`);
  await page.getByRole('heading', { level: 1, name: 'Sign in', exact: true }).waitFor();
  assert.equal(new URL(page.url()).searchParams.get('redirect'), '/sessions');

  await page.getByLabel('Username', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();

  await page.getByLabel('Password', { exact: true }).fill(server.adminPassword);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Sessions', exact: true }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/sessions');
  await sessionsTable(page).waitFor();
  // Exactly one failed request: the refused login.
  assertConsoleErrors(page, [/status of 401.*\/bff\/login/]);
});

test('connected clients are listed with their connection facts', async () => {
  await page.goto(`${server.baseUrl}/sessions`);
  await waitForTableNames(page, [...ALL, 'shy-1']);
  const row = tableRow(page, 'fleet-a1');
  const cells = await row.getByRole('cell').allTextContents();
  // Selection, name, type, connection, status, health, reason, IP and port, protocol, …
  assert.equal(cells[1], 'fleet-a1');
  assert.equal(cells[2], 'MQTT');
  assert.equal(cells[3], 'Connected');
  assert.equal(cells[4], 'Normal');
  assert.equal(cells[5], 'Healthy');
  const local = (a1.stream as unknown as { localPort: number }).localPort;
  assert.equal(cells[6], '—', 'a healthy session has no reason');
  assert.equal(cells[7], `127.0.0.1:${local}`, 'the IP and port are the real client socket');
  assert.equal(cells[8], '5.0');

  const a2Cells = await tableRow(page, 'fleet-a2').getByRole('cell').allTextContents();
  assert.equal(a2Cells[3], 'Connected');
  assert.match(a2Cells[5] ?? '', /^Unhealthy/);
  assert.notEqual(a2Cells[6], '—', 'an unhealthy session says why');
  assert.equal(a2Cells[8], '3.1.1');
  const b1Cells = await tableRow(page, 'fleet-b1').getByRole('cell').allTextContents();
  assert.equal(b1Cells[3], 'Disconnected');
  assert.equal(b1Cells[5], 'Offline');
  assert.match(await page.getByText(/^\d+ sessions?$/).textContent() ?? '', /^6 sessions$/);
  assertConsoleErrors(page);
});

test('the search box filters by a part of the client id and keeps it in the URL', async () => {
  await page.goto(`${server.baseUrl}/sessions`);
  await waitForTableNames(page, [...ALL, 'shy-1']);
  const search = page.getByRole('searchbox', { name: 'Search sessions' });
  await search.fill('fleet-a');
  await waitForTableNames(page, ['fleet-a1', 'fleet-a2']);
  assert.equal(new URL(page.url()).searchParams.get('q'), 'fleet-a');
  await page.getByText('2 sessions match the filters').waitFor();

  await search.fill('fleet-b');
  await waitForTableNames(page, ['fleet-b1', 'fleet-b2']);
  await search.fill('nobody-');
  await page.getByText('No sessions match these filters', { exact: true }).waitFor();
  await waitForTableNames(page, []);
  await page.getByRole('button', { name: 'Clear search' }).click();
  await waitForTableNames(page, [...ALL, 'shy-1']);
  assert.equal(new URL(page.url()).searchParams.get('q'), null);
  assertConsoleErrors(page);
});

const filterCases: Array<{ label: string; options: string[]; param: [string, string]; expected: string[] }> = [
  { label: 'Connection status', options: ['Connected'], param: ['connection', 'connected'], expected: ['fleet-a1', 'fleet-a2'] },
  // "Disconnected" includes MQ API sessions never used (the table shows them as Disconnected).
  { label: 'Connection status', options: ['Disconnected'], param: ['connection', 'disconnected'], expected: ['fleet-b1', 'fleet-b2', 'fleet-mqapi1'] },
  { label: 'Connection status', options: ['Never used'], param: ['connection', 'unknown'], expected: ['fleet-mqapi1'] },
  { label: 'Session status', options: ['Banned'], param: ['status', 'banned'], expected: ['fleet-b2'] },
  { label: 'Session status', options: ['Normal'], param: ['status', 'normal'], expected: ['fleet-a1', 'fleet-a2', 'fleet-mqapi1', 'fleet-b1'] },
  { label: 'Session type', options: ['MQ API'], param: ['type', 'mqApi'], expected: ['fleet-mqapi1'] },
  { label: 'Session type', options: ['MQTT'], param: ['type', 'mqtt'], expected: ['fleet-a1', 'fleet-a2', 'fleet-b1', 'fleet-b2'] },
  { label: 'Health', options: ['Unhealthy'], param: ['health', 'unhealthy'], expected: ['fleet-a2'] },
  { label: 'Health', options: ['Healthy'], param: ['health', 'healthy'], expected: ['fleet-a1'] },
  { label: 'Health', options: ['Healthy', 'Unhealthy'], param: ['health', 'healthy,unhealthy'], expected: ['fleet-a1', 'fleet-a2'] },
  { label: 'Health', options: ['Offline'], param: ['health', 'offline'], expected: ['fleet-mqapi1', 'fleet-b1', 'fleet-b2'] },
];

test('each multi-select filter (connection, session status, type, health) narrows the table', async () => {
  await page.goto(`${server.baseUrl}/sessions?q=fleet-`);
  await waitForTableNames(page, ALL);
  for (const c of filterCases) {
    const what = `${c.label} = ${c.options.join(' + ')}`;
    await chooseFilterOptions(page, c.label, c.options);
    await waitForTableNames(page, c.expected).catch(async (error: Error) => {
      throw new Error(`${what}: ${error.message}`);
    });
    assert.equal(new URL(page.url()).searchParams.get(c.param[0]), c.param[1], `${what}: the URL holds the filter`);
    const button = page.getByRole('group', { name: 'Filters' }).getByRole('button', { name: new RegExp(`^${c.label}\\b`) });
    assert.match(await button.textContent() ?? '', new RegExp(c.options.join('.*')), `${what}: the button shows the choice`);
    // Ticking the same options again removes the filter.
    await chooseFilterOptions(page, c.label, c.options);
    await waitForTableNames(page, ALL);
    assert.equal(new URL(page.url()).searchParams.get(c.param[0]), null, `${what}: the URL drops the filter`);
  }
  // Filters combine with AND: connected MQTT sessions that are unhealthy.
  await chooseFilterOptions(page, 'Connection status', ['Connected']);
  await chooseFilterOptions(page, 'Health', ['Unhealthy']);
  await waitForTableNames(page, ['fleet-a2']);
  // A bookmark of the view shows the same rows.
  await page.reload();
  await waitForTableNames(page, ['fleet-a2']);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await waitForTableNames(page, [...ALL, 'shy-1']);
  assertConsoleErrors(page);
});

test('the label filter lists labels with their counts and narrows the table', async () => {
  await page.goto(`${server.baseUrl}/sessions?q=fleet-`);
  await waitForTableNames(page, ALL);
  await chooseFilterOptions(page, 'Labels', ['site / north (1)']);
  await waitForTableNames(page, ['fleet-a1']);
  assert.match(new URL(page.url()).searchParams.get('labels') ?? '', /^\d+$/);
  // Labels exist, so the label column is on by default (issue 13): read the label.
  await eventually(async () => assert.match((await tableRow(page, 'fleet-a1').getByRole('cell').allTextContents()).join('|'), /site \/ north/));
  assertConsoleErrors(page);
});

test('clicking sortable headers sorts by client name and by last connect, both ways', async () => {
  await page.goto(`${server.baseUrl}/sessions?q=fleet-`);
  const byName = [...ALL].sort();
  await waitForTableNames(page, byName, { ordered: true });
  const header = (name: string) => sessionsTable(page).getByRole('columnheader', { name: new RegExp(`^${name}`) });
  assert.equal(await header('Client name').getAttribute('aria-sort'), 'ascending');

  await header('Client name').getByRole('button').click();
  await waitForTableNames(page, [...byName].reverse(), { ordered: true });
  assert.equal(await header('Client name').getAttribute('aria-sort'), 'descending');
  assert.equal(new URL(page.url()).searchParams.get('dir'), 'desc');
  await header('Client name').getByRole('button').click();
  await waitForTableNames(page, byName, { ordered: true });

  // Last connect sorts newest first on the first click; fleet-mqapi1 never connected.
  const serverDesc = await api.listNames({ partialClientName: 'fleet-', sortDescending: 'lastConnect' });
  assert.deepEqual(serverDesc.filter((n) => n !== 'fleet-mqapi1'), [...CONNECT_ORDER].reverse(), 'the server orders by connect time');
  await header('Last connect').getByRole('button').click();
  await waitForTableNames(page, serverDesc, { ordered: true });
  assert.equal(await header('Last connect').getAttribute('aria-sort'), 'descending');
  assert.equal(await header('Client name').getAttribute('aria-sort'), 'none');
  const times = await sessionsTable(page).locator('tbody tr td:nth-child(9) time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
  assert.deepEqual(times, [...times].sort().reverse(), 'shown connect times are newest first');

  await header('Last connect').getByRole('button').click();
  const serverAsc = await api.listNames({ partialClientName: 'fleet-', sortAscending: 'lastConnect' });
  assert.deepEqual(serverAsc.filter((n) => n !== 'fleet-mqapi1'), CONNECT_ORDER);
  await waitForTableNames(page, serverAsc, { ordered: true });
  assert.equal(await header('Last connect').getAttribute('aria-sort'), 'ascending');
  assertConsoleErrors(page);
});

test('hide a session from the table, find it again with "Show hidden", unhide it', async () => {
  await page.goto(`${server.baseUrl}/sessions`);
  await waitForTableNames(page, [...ALL, 'shy-1']);
  await page.getByRole('checkbox', { name: 'Select shy-1', exact: true }).check();
  const bar = page.getByRole('toolbar', { name: 'Bulk actions' });
  await bar.getByText('1 selected').waitFor();
  await bar.getByRole('button', { name: 'Hide', exact: true }).click();
  await waitForToast(page, 'Hide: done for 1 session');
  await waitForTableNames(page, ALL);
  assert.equal((await api.describe('shy-1')).sessionStatus, 'hidden');
  assert.equal((await api.describe('shy-1')).connectionStatus, 'connected', 'a hidden session keeps working');

  // The dashboard's own live-feed session is hidden too (DESIGN §5): look under the test's prefix.
  await page.getByRole('searchbox', { name: 'Search sessions' }).fill('shy-');
  await page.getByText('No sessions match these filters', { exact: true }).waitFor();
  await page.getByRole('checkbox', { name: 'Show hidden', exact: true }).check();
  await waitForTableNames(page, ['shy-1']);
  assert.equal(new URL(page.url()).searchParams.get('showHidden'), '1');
  assert.equal((await tableRow(page, 'shy-1').getByRole('cell').allTextContents())[4], 'Hidden');
  // Only the hidden ones: "Show hidden" plus the Hidden status.
  await chooseFilterOptions(page, 'Session status', ['Hidden']);
  await waitForTableNames(page, ['shy-1']);

  await page.getByRole('checkbox', { name: 'Select shy-1', exact: true }).check();
  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Unhide', exact: true }).click();
  await waitForToast(page, 'Unhide: done for 1 session');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await waitForTableNames(page, [...ALL, 'shy-1']);
  assert.equal((await tableRow(page, 'shy-1').getByRole('cell').allTextContents())[4], 'Normal');
  assertConsoleErrors(page);
});

/** RFC 4180 CSV → rows of cells (quoted cells, doubled quotes, CRLF or LF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

test('Export CSV downloads every session matching the filter with a header row', async () => {
  await page.goto(`${server.baseUrl}/sessions?q=fleet-`);
  await waitForTableNames(page, ALL);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV', exact: true }).click()]);
  assert.match(download.suggestedFilename(), /^mqdash-sessions-.*\.csv$/);
  const path = await download.path();
  const rows = parseCsv(await readFile(path, 'utf8'));
  assert.deepEqual(rows[0], [
    'clientName', 'sessionType', 'connectionStatus', 'sessionStatus', 'sessionHealth', 'unhealthyReason', 'ipaddress', 'port', 'mqttProtocol',
    'username', 'lastConnectDateTime', 'lastDisconnectDateTime', 'subscribedTopicFiltersCount', 'publishRatePerMinute', 'receiveMessagesPerMinute',
    'currentDeliveryBacklogged', 'labelGroup', 'labelName',
  ]);
  const body = rows.slice(1);
  assert.deepEqual(body.map((r) => r[0]), ALL, 'one row per matching session, in the table order');
  assert.ok(body.every((r) => r.length === rows[0]!.length), 'every row has every column');
  const byName = Object.fromEntries(body.map((r) => [r[0], Object.fromEntries(rows[0]!.map((h, i) => [h, r[i]]))])) as Record<string, Record<string, string>>;
  const local = (a1.stream as unknown as { localPort: number }).localPort;
  assert.deepEqual(
    { ...byName['fleet-a1'], lastConnectDateTime: undefined, publishRatePerMinute: undefined },
    {
      clientName: 'fleet-a1', sessionType: 'mqtt', connectionStatus: 'connected', sessionStatus: 'normal', sessionHealth: 'healthy', unhealthyReason: '',
      ipaddress: '127.0.0.1', port: String(local), mqttProtocol: '5.0', username: '', lastConnectDateTime: undefined, lastDisconnectDateTime: '',
      subscribedTopicFiltersCount: '0', publishRatePerMinute: undefined, receiveMessagesPerMinute: '0', currentDeliveryBacklogged: '0',
      labelGroup: 'site', labelName: 'north',
    },
  );
  assert.equal(byName['fleet-a2']!.sessionHealth, 'unhealthy');
  assert.match(byName['fleet-a2']!.unhealthyReason!, /maxHealthySendRatePerMinute/);
  assert.ok(Number(byName['fleet-a2']!.publishRatePerMinute) >= 5);
  assert.equal(byName['fleet-b1']!.connectionStatus, 'disconnected');
  assert.equal(byName['fleet-b1']!.subscribedTopicFiltersCount, '1');
  assert.equal(byName['fleet-b2']!.sessionStatus, 'banned');
  assert.equal(byName['fleet-mqapi1']!.sessionType, 'mqApi');
  assert.ok(!Number.isNaN(Date.parse(byName['fleet-a1']!.lastConnectDateTime!)));

  // The filter applies to the export too.
  await chooseFilterOptions(page, 'Health', ['Unhealthy']);
  await waitForTableNames(page, ['fleet-a2']);
  const [second] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV', exact: true }).click()]);
  const filtered = parseCsv(await readFile(await second.path(), 'utf8'));
  assert.deepEqual(filtered.slice(1).map((r) => r[0]), ['fleet-a2']);
  assertConsoleErrors(page);
});

test('screenshots of the sessions table in light and dark', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${server.baseUrl}/sessions`);
  await waitForTableNames(page, [...ALL, 'shy-1']);
  await page.getByRole('checkbox', { name: 'Select fleet-a2', exact: true }).check();
  await chooseTheme(page, 'Light');
  await screenshot(page, 'sessions-table-light');
  await chooseTheme(page, 'Dark');
  // The choice survives a reload.
  await page.reload();
  await waitForTableNames(page, [...ALL, 'shy-1']);
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
  await page.getByRole('checkbox', { name: 'Select fleet-a2', exact: true }).check();
  await screenshot(page, 'sessions-table-dark');
  // Names are still readable in the table (a sanity check of the screenshot's content).
  assert.ok((await tableNames(page)).includes('fleet-a1'));
  assertConsoleErrors(page);
});
