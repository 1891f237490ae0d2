// The Retained screen against a real server: a real MQTT client publishes retained messages, the
// administrator finds them by topic filter, previews one (text, pretty JSON, hex, properties),
// deletes it, and a new MQTT client no longer gets it; then deletes every match of a filter after
// a confirmation that shows the count.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import type { MqttClient } from 'mqtt';
import type { Browser, Locator, Page } from 'playwright-core';
import { jsonApi } from './helpers/api';
import { launchBrowser } from './helpers/browser';
import { assertConsoleErrors, chooseTheme, confirm, eventually, leaveApp, newPage, READ, screenshot, signIn, waitForToast } from './helpers/dashboard';
import { closeAllClients, connectClient } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';

let server: RunningServer;
let browser: Browser;
let page: Page;

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  page = await newPage(browser);
  await signIn(page, server, '/retained');
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(async () => {
  await closeAllClients();
  await browser?.close();
  await server?.stop();
  if (server) await rm(server.dataDir, { recursive: true, force: true });
});

const listCard = (): Locator => page.getByRole('region', { name: 'Retained messages', exact: true });
const table = (): Locator => listCard().getByRole('table', { name: 'Retained messages' });
const topicsShown = async (): Promise<string[]> => (await table().getByRole('rowheader').allInnerTexts()).map((t) => t.trim());

/** The retained topics a new MQTT client gets for `filter`: complete once a marker published after its SUBACK is back. */
async function retainedDeliveredTo(clientId: string, filter: string): Promise<string[]> {
  const client: MqttClient = await connectClient(server.mqttPort, clientId);
  const got: string[] = [];
  const marker = `e2e-marker/${clientId}`;
  const markerBack = new Promise<void>((resolve) => client.on('message', (topic, _payload, packet) => {
    if (topic === marker) resolve();
    else if (packet.retain) got.push(topic);
  }));
  await client.subscribeAsync(filter, { qos: 1 });
  await client.subscribeAsync(marker, { qos: 1 });
  await client.publishAsync(marker, 'done', { qos: 1 });
  await markerBack;
  await client.endAsync();
  return got.sort();
}

test('publish retained from a real client, find it by filter, view it, delete it; a new client no longer gets it', async () => {
  const publisher = await connectClient(server.mqttPort, 'e2e-retained-publisher');
  await publisher.publishAsync('e2e/plant/line-1/status', JSON.stringify({ state: 'running', speed: 42 }), {
    qos: 1, retain: true, properties: { contentType: 'application/json', userProperties: { site: 'north' } },
  });
  await publisher.publishAsync('e2e/plant/line-2/status', 'stopped', { qos: 0, retain: true });
  await publisher.publishAsync('e2e/other/raw', Buffer.from([0x00, 0xff, 0x10]), { qos: 1, retain: true });
  assert.deepEqual(await retainedDeliveredTo('e2e-retained-before', 'e2e/plant/#'), ['e2e/plant/line-1/status', 'e2e/plant/line-2/status']);

  await page.goto(`${server.baseUrl}/retained`);
  await chooseTheme(page, 'Light');
  await listCard().getByLabel('Topic filter').fill('e2e/plant/#');
  await listCard().getByRole('button', { name: 'Search' }).click();
  await eventually(async () => assert.deepEqual(await topicsShown(), ['e2e/plant/line-1/status', 'e2e/plant/line-2/status']));
  assert.match(page.url(), /filter=e2e%2Fplant%2F%23/);
  await listCard().getByText('1–2 of 2 retained messages').waitFor();

  // View: text, pretty JSON, hex; the properties.
  await table().getByRole('button', { name: 'View e2e/plant/line-1/status' }).click();
  const preview = page.getByRole('region', { name: 'Retained message: e2e/plant/line-1/status' });
  const payload = preview.getByLabel('Payload of e2e/plant/line-1/status');
  await eventually(async () => assert.equal(await payload.innerText(READ), '{"state":"running","speed":42}'));
  await preview.getByRole('radio', { name: 'JSON' }).click();
  await eventually(async () => assert.equal(await payload.innerText(READ), JSON.stringify({ state: 'running', speed: 42 }, null, 2)));
  await preview.getByText('application/json').waitFor();
  await preview.getByText('e2e-retained-publisher').waitFor();
  await preview.getByText('north').waitFor();
  await screenshot(page, 'retained-preview');
  await preview.getByRole('radio', { name: 'Hex' }).click();
  await eventually(async () => assert.match(await payload.innerText(READ), /^00000000 {2}7b 22 73 74/));

  // Delete it from its row; the list and a new subscriber no longer have it.
  await table().getByRole('button', { name: 'Delete e2e/plant/line-1/status' }).click();
  await page.getByRole('alertdialog', { name: 'Delete this retained message?' }).getByText('e2e/plant/line-1/status').waitFor();
  await confirm(page, 'Delete this retained message?', 'Delete retained message');
  await waitForToast(page, 'Deleted 1 retained message');
  await eventually(async () => assert.deepEqual(await topicsShown(), ['e2e/plant/line-2/status']));
  await preview.waitFor({ state: 'hidden' });
  assert.deepEqual(await retainedDeliveredTo('e2e-retained-after', 'e2e/plant/#'), ['e2e/plant/line-2/status']);
  assertConsoleErrors(page);
});

test('delete all matching a filter: the confirmation shows the count; afterwards nothing matches and no client gets them', async () => {
  await page.goto(`${server.baseUrl}/retained?filter=${encodeURIComponent('e2e/#')}`);
  await eventually(async () => assert.deepEqual(await topicsShown(), ['e2e/other/raw', 'e2e/plant/line-2/status']));
  await listCard().getByRole('button', { name: 'Delete all matching' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Delete all matching retained messages?' });
  await dialog.getByText('2 retained messages match e2e/#', { exact: false }).waitFor();
  await screenshot(page, 'retained-delete-all', { fullPage: false });
  await confirm(page, 'Delete all matching retained messages?', 'Delete 2 retained messages');
  await waitForToast(page, 'Deleted 2 retained messages');
  await listCard().getByText('No retained messages match e2e/#').waitFor();
  assert.deepEqual(await retainedDeliveredTo('e2e-retained-none', 'e2e/#'), []);
  assertConsoleErrors(page);
});

test('a viewer finds and views retained messages but is offered no delete', async () => {
  const publisher = await connectClient(server.mqttPort, 'e2e-retained-viewer-pub');
  await publisher.publishAsync('e2e/viewer/topic', 'hello viewer', { qos: 1, retain: true });
  const api = await jsonApi(server);
  await api.ok('createAccount', { username: 'retained-viewer', password: 'retained-viewer-pw', role: 'viewer' });
  const viewerPage = await newPage(browser);
  try {
    await signIn(viewerPage, server, `/retained?filter=${encodeURIComponent('e2e/viewer/#')}`, { username: 'retained-viewer', password: 'retained-viewer-pw' });
    const card = viewerPage.getByRole('region', { name: 'Retained messages', exact: true });
    await card.getByRole('rowheader', { name: 'e2e/viewer/topic' }).waitFor();
    await card.getByRole('button', { name: 'View e2e/viewer/topic' }).click();
    const payload = viewerPage.getByLabel('Payload of e2e/viewer/topic');
    await eventually(async () => assert.equal(await payload.innerText(READ), 'hello viewer'));
    assert.equal(await viewerPage.getByRole('button', { name: /^Delete/ }).count(), 0);
    assertConsoleErrors(viewerPage);
  } finally {
    await viewerPage.close();
  }
});
