// The Nodes screen (issue 11) against two real clustered servers (the compiled build) on a real
// PostgreSQL and redis-server: node A's screen lists both nodes up with node B's MQTT connections,
// then shows node B down once it stops. And a single server says it runs alone.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { startPostgres, startRedis, type Service } from '../packages/broker/src/cluster/__tests__/services.ts';
import { axeViolations, describeViolations } from './helpers/axe';
import { launchBrowser } from './helpers/browser';
import { assertConsoleErrors, eventually, leaveApp, newPage, READ, screenshot, signIn } from './helpers/dashboard';
import { closeAllClients, connectClient } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';

let postgres: Service;
let redis: Service;
let nodeA: RunningServer;
let nodeB: RunningServer;
let browser: Browser;
let page: Page;

before(async () => {
  [postgres, redis, browser] = await Promise.all([startPostgres(), startRedis(), launchBrowser()]);
  const cluster = { DATABASE_URL: postgres.url, REDIS_URL: redis.url, MQDASH_ENGINE: '' };
  [nodeA, nodeB] = await Promise.all([
    startServer({ env: { ...cluster, NODE_NAME: 'node-a' } }),
    startServer({ env: { ...cluster, NODE_NAME: 'node-b' } }),
  ]);
  page = await newPage(browser);
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(async () => {
  await closeAllClients();
  await browser?.close();
  for (const server of [nodeA, nodeB]) {
    await server?.stop();
    if (server) await rm(server.dataDir, { recursive: true, force: true });
  }
  await Promise.all([postgres?.stop(), redis?.stop()]);
});

const nodesTable = (): Locator => page.getByRole('region', { name: /^\d+ nodes?: / }).getByRole('table');
const row = (name: string): Locator => nodesTable().getByRole('row').filter({ has: page.getByRole('cell', { name: new RegExp(`^${name}`) }) });
const cells = async (name: string): Promise<string[]> => (await row(name).getByRole('cell').allInnerTexts()).map((t) => t.trim());

test('node A shows both nodes up with node B\'s connections, then node B down once it stops', async () => {
  await signIn(page, nodeA, '/nodes');
  await page.getByRole('heading', { level: 1, name: 'Nodes', exact: true }).waitFor();
  await connectClient(nodeB.mqttPort, 'nodes-e2e-1');
  await connectClient(nodeB.mqttPort, 'nodes-e2e-2');
  // node B tells its connections at its next heartbeat (2 s); the screen asks every 5 s
  await eventually(async () => {
    // node A's own count includes this dashboard's live feed connection
    assert.deepEqual((await cells('node-a')).slice(0, 2), ['node-a (this node)', 'Up']);
    const b = await cells('node-b');
    assert.deepEqual([b[0], b[1], b[3]], ['node-b', 'Up', '2']);
  }, 20_000);
  await page.getByRole('heading', { level: 2, name: '2 nodes: 2 up', exact: true }).waitFor();
  await screenshot(page, 'nodes-two-up');
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], describeViolations(violations));
  await nodeB.stop();
  // a stopping node removes its heartbeat: node A sees it at its next check (1 s), the screen within 5 s
  await eventually(async () => {
    const b = await cells('node-b');
    assert.deepEqual([b[1], b[3]], ['Down', '—']);
  }, 20_000);
  await page.getByRole('heading', { level: 2, name: '2 nodes: 1 up, 1 down', exact: true }).waitFor();
  // down nodes first
  assert.match((await nodesTable().getByRole('row').nth(1).innerText(READ)).trim(), /^node-b/);
  assertConsoleErrors(page);
});

test('a single server shows itself alone and says it is not clustered', async () => {
  const solo = await startServer();
  try {
    await signIn(page, solo, '/nodes');
    await page.getByRole('heading', { level: 2, name: '1 node: 1 up', exact: true }).waitFor();
    await page.getByText('This node runs alone (no REDIS_URL)').waitFor();
    assert.equal(await nodesTable().getByRole('row').count(), 2, 'a header row and this node');
    assertConsoleErrors(page);
  } finally {
    await solo.stop();
    await rm(solo.dataDir, { recursive: true, force: true });
  }
});
