// Settings → Bans and Settings → Topic permissions (issue 12) against a real server, real mqtt.js
// clients and Chromium: an IP ban added in the form refuses a client from 127.0.0.1 at CONNECT
// (MQTT 5: 0x8A Banned, 3.1.1: return code 5); removing it lets the client in again; a deny-publish
// rule added in the form makes the broker answer that client's QoS 1 PUBLISH with PUBACK 0x87,
// and the default-policy switch turns the default to deny. Validation errors show at their field;
// an operator may ban but only reads the topic permissions. The ban-impact preview counts, as the
// administrator types, the connected clients and stored sessions the ban would hit, with a sample.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, afterEach, before, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { MqttClient, Packet } from 'mqtt';
import type { Browser, Locator, Page } from 'playwright-core';
import { jsonApi, type JsonApi } from './helpers/api';
import { describeViolations, axeViolations } from './helpers/axe';
import { launchBrowser } from './helpers/browser';
import { assertConsoleErrors, confirm, eventually, leaveApp, newPage, READ, screenshot, signIn, waitForToast } from './helpers/dashboard';
import { attemptConnect, closeAllClients, connectClient } from './helpers/mqtt';
import { startServer, type RunningServer } from './helpers/server';

const DOCS_SCREENSHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

let server: RunningServer;
let browser: Browser;
let page: Page;
let api: JsonApi;

before(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  api = await jsonApi(server);
  page = await newPage(browser);
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, server, '/settings/bans');
});

afterEach(async (t) => leaveApp(page, (message) => (t as TestContext).diagnostic(message)));

after(async () => {
  await closeAllClients();
  await browser?.close();
  await server?.stop();
  if (server) await rm(server.dataDir, { recursive: true, force: true });
});

async function assertNoAxeViolations(what: string): Promise<void> {
  // React Aria's live announcer keeps a labelled-by stub (role img) for each message it read out,
  // pointing at elements that may be gone by now; it clears them after 7 s. Measured without them.
  await eventually(async () => assert.equal(await page.locator('[role="log"] > [role="img"]').count(), 0, 'announcements pending'), 15_000);
  const violations = await axeViolations(page);
  assert.equal(violations.length, 0, `${what}:\n${describeViolations(violations)}`);
}

/** A QoS 1 publish, answered with the PUBACK's reason code as it came on the wire. */
function pubackReason(client: MqttClient, topic: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no PUBACK for ${topic} within 10 s`)), 10_000);
    const onPacket = (packet: Packet) => {
      if (packet.cmd !== 'puback') return;
      clearTimeout(timer);
      client.off('packetreceive', onPacket);
      resolve((packet as { reasonCode?: number }).reasonCode ?? 0);
    };
    client.on('packetreceive', onPacket);
    // mqtt.js rejects a publish whose PUBACK carries an error code; the reason is read above.
    client.publish(topic, 'e2e', { qos: 1 }, () => {});
  });
}

const card = (name: string): Locator => page.getByRole('region', { name, exact: true });
const banRow = (value: string): Locator => card('Bans').getByRole('table', { name: 'Bans' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: value, exact: true }) });

test('an IP ban added in Settings → Bans refuses an MQTT client from 127.0.0.1; removing it lets the client in', async () => {
  assert.equal((await attemptConnect(server.mqttPort, 'e2e-before-ban', 5)).accepted, true);
  const bans = card('Bans');
  await bans.getByText('No bans.', { exact: true }).waitFor();
  const form = bans.getByRole('form', { name: 'Add a ban' });

  // A range typed as one address: the form says so beside the field and sends nothing.
  await form.getByRole('textbox', { name: 'Value' }).fill('127.0.0.0/8');
  await form.getByRole('button', { name: 'Add ban', exact: true }).click();
  await form.getByText('Must be one IP address (a range is banType "ipRange")', { exact: true }).waitFor();
  assert.equal(await form.getByRole('textbox', { name: 'Value' }).getAttribute('aria-invalid'), 'true');

  await form.getByRole('textbox', { name: 'Value' }).fill('127.0.0.1');
  await form.getByRole('textbox', { name: 'Reason' }).fill('e2e: flooding from loopback');
  await form.getByRole('button', { name: 'Add ban', exact: true }).click();
  await waitForToast(page, 'Ban added');
  const row = banRow('127.0.0.1');
  await row.waitFor();
  const cells = await row.getByRole('cell').allTextContents();
  assert.equal(cells[0], 'IP address');
  assert.equal(cells[1], 'e2e: flooding from loopback');
  assert.match(cells[2]!, /by admin/);
  assert.equal(cells[3], 'Never');
  assert.equal(await form.getByText('Must be one IP address', { exact: false }).count(), 0, 'the error is gone once the value is valid');

  const v5 = await attemptConnect(server.mqttPort, 'e2e-banned-5', 5);
  assert.equal(v5.reasonCode, 0x8a, 'MQTT 5 CONNACK 0x8A Banned');
  const v4 = await attemptConnect(server.mqttPort, 'e2e-banned-4', 4);
  assert.equal(v4.returnCode, 5, 'MQTT 3.1.1 CONNACK return code 5');

  await assertNoAxeViolations('Settings → Bans');
  await screenshot(page, 'settings-bans-1440', { dir: DOCS_SCREENSHOTS });

  await row.getByRole('button', { name: 'Remove ban 127.0.0.1' }).click();
  await page.getByRole('alertdialog', { name: 'Remove ban?' }).getByText('127.0.0.1', { exact: true }).waitFor();
  await confirm(page, 'Remove ban?', 'Remove ban');
  await waitForToast(page, 'Ban removed');
  await bans.getByText('No bans.', { exact: true }).waitFor();
  assert.equal((await attemptConnect(server.mqttPort, 'e2e-after-ban', 5)).accepted, true);
  assertConsoleErrors(page);
});

test('the add-ban form previews, as the value is typed, the connected clients and stored sessions the ban would hit', async () => {
  const fleet = await Promise.all([1, 2, 3].map((i) => connectClient(server.mqttPort, `e2e-fleet-${i}`)));
  // A stored session not connected now: a persistent 3.1.1 session whose client left.
  const gone = await connectClient(server.mqttPort, 'e2e-fleet-gone', { protocolVersion: 4, clean: false });
  await gone.endAsync();
  await page.goto(`${server.baseUrl}/settings/bans`);
  const bans = card('Bans');
  const form = bans.getByRole('form', { name: 'Add a ban' });
  const impact = form.getByRole('status').filter({ hasText: /would|matches|checking|exists/i });
  await form.getByRole('button', { name: /\bBan by\b/ }).click();
  await page.getByRole('listbox').getByRole('option', { name: 'Client ID pattern', exact: true }).click();
  const value = form.getByRole('textbox', { name: 'Value' });

  await value.pressSequentially('^e2e-fleet-', { delay: 30 });
  await eventually(async () => assert.match(await impact.innerText(), /Would disconnect 3 connected clients and match 4 stored sessions/));
  assert.match(await impact.innerText(), /Client IDs: e2e-fleet-1, e2e-fleet-2, e2e-fleet-3, e2e-fleet-gone/);
  await assertNoAxeViolations('Settings → Bans with the ban-impact preview');
  await screenshot(page, 'settings-bans-preview-1440', { dir: DOCS_SCREENSHOTS });

  // Narrower as it is typed; an invalid pattern asks nothing and shows nothing.
  await value.pressSequentially('gone$', { delay: 30 });
  await eventually(async () => assert.match(await impact.innerText(), /Would disconnect 0 connected clients and match 1 stored session\b/));
  await value.fill('^e2e-fleet-([');
  await eventually(async () => assert.equal(await impact.count(), 0));
  await value.fill('^e2e-nobody-');
  await eventually(async () => assert.match(await impact.innerText(), /No connected client and no stored session matches now/));
  assert.equal((await api.ok<{ totalCount: number }>('listBans', {})).totalCount, 0, 'the preview stores nothing');
  assert.ok(fleet.every((c) => c.connected), 'the preview disconnects nothing');

  // Confirmed: the ban disconnects the three the preview named.
  await value.fill('^e2e-fleet-\\d$');
  await eventually(async () => assert.match(await impact.innerText(), /Would disconnect 3 connected clients and match 3 stored sessions/));
  await form.getByRole('button', { name: 'Add ban', exact: true }).click();
  await waitForToast(page, 'Ban added');
  await eventually(async () => assert.ok(fleet.every((c) => !c.connected), 'the fleet is disconnected'));
  await api.ok('deleteBan', { banType: 'clientNamePattern', value: '^e2e-fleet-\\d$' });
  assertConsoleErrors(page);
});

test('a deny-publish rule added in Settings → Topic permissions gets a QoS 1 publish PUBACK 0x87; the default switch denies the rest', async () => {
  // A subscriber to every topic used, so an accepted publish is answered 0x00 Success on either
  // engine (with none, MQTT 5 allows 0x10 No matching subscribers, which the own engine sends).
  const watcher = await connectClient(server.mqttPort, 'e2e-watcher', { protocolVersion: 5 });
  await watcher.subscribeAsync('e2e/#', { qos: 1 });
  const client = await connectClient(server.mqttPort, 'e2e-publisher', { protocolVersion: 5 });
  assert.equal(await pubackReason(client, 'e2e/locked/valve'), 0, 'allowed before any rule');

  await page.goto(`${server.baseUrl}/settings/topic-permissions`);
  const rules = card('Topic permissions');
  await rules.getByText('No rules: the default policy decides.', { exact: true }).waitFor();
  const defaultSwitch = rules.getByRole('switch', { name: 'Allow when no rule applies' });
  assert.equal(await defaultSwitch.isChecked(READ), true, 'the default is allow');
  const form = rules.getByRole('form', { name: 'Add a rule' });
  await form.getByText('%u stands for the client’s user name', { exact: false }).waitFor();

  // An invalid filter is refused at its field.
  await form.getByRole('textbox', { name: 'Topic filter' }).fill('e2e/#/valve');
  await form.getByRole('button', { name: 'Add rule', exact: true }).click();
  await form.getByText('Must be a valid topic filter', { exact: false }).waitFor();

  // Everyone / Deny / Publish are the form's defaults; the action is chosen anyway.
  await form.getByRole('button', { name: /\bAction\b/ }).click();
  await page.getByRole('listbox').getByRole('option', { name: 'Publish', exact: true }).click();
  await form.getByRole('textbox', { name: 'Topic filter' }).fill('e2e/locked/#');
  await form.getByRole('button', { name: 'Add rule', exact: true }).click();
  await waitForToast(page, 'Rule added');
  const table = rules.getByRole('table', { name: 'Topic permission rules' });
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '1', exact: true }) });
  await row.waitFor();
  const cells = await row.getByRole('cell').allTextContents();
  assert.deepEqual(cells.slice(0, 4), ['Everyone', 'Deny', 'Publish', 'e2e/locked/#']);

  assert.equal(await eventually(async () => {
    const reason = await pubackReason(client, 'e2e/locked/valve');
    assert.equal(reason, 0x87);
    return reason;
  }), 0x87, 'PUBACK 0x87 Not authorized');
  assert.equal(await pubackReason(client, 'e2e/open/valve'), 0, 'a topic no rule covers is still allowed');

  // Default policy deny: the uncovered topic is refused too; back to allow afterwards.
  await defaultSwitch.click();
  await waitForToast(page, 'Default policy: deny');
  await eventually(async () => assert.equal(await defaultSwitch.isChecked(READ), false));
  assert.equal(await pubackReason(client, 'e2e/open/valve'), 0x87, 'denied by the default');
  await assertNoAxeViolations('Settings → Topic permissions');
  await screenshot(page, 'settings-topic-permissions-1440', { dir: DOCS_SCREENSHOTS });
  await defaultSwitch.click();
  await waitForToast(page, 'Default policy: allow');
  await eventually(async () => assert.equal(await pubackReason(client, 'e2e/open/valve'), 0));

  await row.getByRole('button', { name: 'Delete rule 1' }).click();
  await confirm(page, 'Delete rule?', 'Delete rule');
  await waitForToast(page, 'Rule deleted');
  await rules.getByText('No rules: the default policy decides.', { exact: true }).waitFor();
  assert.equal(await pubackReason(client, 'e2e/locked/valve'), 0, 'allowed again once the rule is gone');
  assertConsoleErrors(page);
});

test('an operator adds and removes bans but only reads the topic permissions', async () => {
  await api.ok('createAccount', { username: 'access-operator', password: 'access-operator-pw', role: 'operator' });
  await api.ok('createBan', { banType: 'clientName', value: 'e2e-rogue', reason: 'by the API' });
  await api.ok('createTopicPermission', { subject: 'anonymous', permission: 'deny', action: 'subscribe', topicFilter: '$SYS/#' });
  const operatorPage = await newPage(browser);
  try {
    await signIn(operatorPage, server, '/settings/bans', { username: 'access-operator', password: 'access-operator-pw' });
    const bans = operatorPage.getByRole('region', { name: 'Bans', exact: true });
    await bans.getByRole('rowheader', { name: 'e2e-rogue', exact: true }).waitFor();
    await bans.getByRole('form', { name: 'Add a ban' }).waitFor();
    await bans.getByRole('button', { name: 'Remove ban e2e-rogue' }).waitFor();

    await operatorPage.goto(`${server.baseUrl}/settings/topic-permissions`);
    const rules = operatorPage.getByRole('region', { name: 'Topic permissions', exact: true });
    await rules.getByRole('cell', { name: '$SYS/#', exact: true }).waitFor();
    assert.equal(await rules.getByRole('form', { name: 'Add a rule' }).count(), 0);
    assert.equal(await rules.getByRole('button', { name: /^Delete rule/ }).count(), 0);
    assert.equal(await rules.getByRole('switch', { name: 'Allow when no rule applies' }).isDisabled(READ), true);
    assertConsoleErrors(operatorPage);
  } finally {
    await operatorPage.close();
  }
});
