/**
 * Restarts (DESIGN §3: "The registry, labels, accounts, API keys and audit log survive a restart;
 * permanent sessions live until deleteMqSession"): a broker is closed (or killed) and a new one
 * opened on the same data folder.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { ADMIN_PASSWORD, closed, collect, restartableBrokers, sleep, tempDir, waitFor } from './helpers.ts';

const pool = restartableBrokers();
after(() => pool.closeAll());
const open = (dataDir: string) => pool.open(dataDir);

const persistent5 = { protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: 0xffffffff } };

test('sessions, their settings and MQ API sessions survive close and reopen; connected ones come back disconnected', async () => {
  const dir = tempDir();
  pool.removeLater(dir);
  const b1 = await open(dir);

  // A permanent MQTT session, connected at close time, with every kind of administrator setting.
  const perm = await b1.connect({ clientId: 'rs-perm', ...persistent5 });
  await perm.subscribeAsync('rs/t', { qos: 1 });
  for (let i = 0; i < 3; i++) await perm.publishAsync('rs/out', `m${i}`, { qos: 1 });
  await b1.ok('alterMqSession', {
    clientName: 'rs-perm', sessionStatus: 'hidden', maxHealthySendRatePerMinute: 50, minHealthySubscribedTopicFiltersCount: 1,
    label: { group: 'site', name: 'north' }, metadata: { rack: 7, tags: ['a', 'b'] },
  });
  // A banned one: the ban must hold after the restart.
  const banned = await b1.connect({ clientId: 'rs-banned', protocolVersion: 4, clean: false });
  await b1.ok('alterMqSession', { clientName: 'rs-banned', sessionStatus: 'banned' });
  // A 3.1.1 persistent session left connected too.
  await b1.connect({ clientId: 'rs-v4', protocolVersion: 4, clean: false });
  // MQ API sessions: a permanent one stays, a temporary one ends with its (lost) authToken.
  const api = await b1.ok('createMqApiSession', { clientName: 'rs-api', label: { group: 'apps', name: 'billing' }, metadata: { owner: 'ops' }, keepAliveSeconds: 90 });
  assert.equal(api.clientName, 'rs-api');
  await b1.ok('createMqApiSession', { clientName: 'rs-api-tmp', temporarySession: true });

  const before = await b1.describe('rs-perm');
  assert.equal(before.connectionStatus, 'connected');
  assert.equal(before.stats.totalMessagesPublished, 3);
  const apiBefore = await b1.describe('rs-api');
  assert.equal(banned.connected, true);

  await b1.stop();

  const b2 = await open(dir);
  const d = await b2.describe('rs-perm');
  assert.equal(d.sessionType, 'mqtt');
  assert.equal(d.sessionStatus, 'hidden');
  assert.equal(d.connectionStatus, 'disconnected');
  assert.ok(d.disconnectionDateTime, 'disconnectionDateTime missing after restart');
  assert.equal(d.createdDateTime, before.createdDateTime);
  assert.equal(d.connectionDateTime, before.connectionDateTime);
  assert.equal(d.temporarySession, false);
  assert.equal(d.mqttProtocol, '5.0');
  assert.deepEqual(d.label, { id: d.label?.id, group: 'site', name: 'north' });
  assert.deepEqual(d.metadata, { rack: 7, tags: ['a', 'b'] });
  assert.equal(d.stats.maxHealthySendRatePerMinute, 50);
  assert.equal(d.stats.minHealthySubscribedTopicFiltersCount, 1);
  assert.equal(d.stats.sessionHealth, 'offline');
  assert.equal(d.stats.totalMessagesPublished, 3, 'message totals are "since the session was created"');
  assert.deepEqual(d.subscribedTopics.map((s: any) => s.topicFilter), ['rs/t']);
  assert.deepEqual(d.publishedTopics, ['rs/out']);

  // Lists: hidden still hidden; everything that was connected is disconnected and offline.
  const all = await b2.list({ sessionStatusFilter: ['normal', 'hidden', 'banned', 'inactive'] });
  assert.deepEqual(all.map((r) => r.clientName), ['rs-api', 'rs-banned', 'rs-perm', 'rs-v4']);
  for (const r of all) {
    assert.equal(r.connectionStatus, 'disconnected', `${r.clientName} is ${r.connectionStatus} after a restart`);
    if (r.sessionType === 'mqtt') assert.equal(r.sessionHealth, 'offline', `${r.clientName} health`);
  }
  assert.ok(!(await b2.list()).some((r) => r.clientName === 'rs-perm'), 'the hidden session is listed without the hidden filter');
  assert.deepEqual((await b2.list({ label: { group: 'site', name: 'north' }, sessionStatusFilter: ['hidden'] })).map((r) => r.clientName), ['rs-perm']);
  assert.deepEqual((await b2.list({ connectionStatusFilter: ['connected'], sessionStatusFilter: ['normal', 'hidden', 'banned'] })), []);

  const a = await b2.describe('rs-api');
  assert.equal(a.sessionType, 'mqApi');
  assert.deepEqual(a.label, { id: a.label?.id, group: 'apps', name: 'billing' });
  assert.deepEqual(a.metadata, { owner: 'ops' });
  assert.equal(a.keepAliveSeconds, 90);
  assert.equal(a.createdDateTime, apiBefore.createdDateTime);
  assert.equal((await b2.act('describeMqSessions', { clientNames: ['rs-api-tmp'] })).errorCode, 14006, 'a temporary MQ API session outlived its authToken');

  // authTokens do not survive; the account does.
  assert.equal((await b2.broker.actions.run({ action: 'pingSession', params: {}, authToken: b1.token })).errorCode, 12031);

  // The ban holds; the name conflict with the MQ API session holds.
  assert.equal((await b2.connectRefused({ clientId: 'rs-banned', protocolVersion: 5 })).code, 0x8a);
  assert.equal((await b2.connectRefused({ clientId: 'rs-api', protocolVersion: 5 })).code, 0x85);

  // The client comes back: the same session, connected again, its settings kept.
  const back = await b2.connect({ clientId: 'rs-perm', ...persistent5 });
  assert.equal(back.connack.reasonCode ?? 0, 0);
  const d2 = await b2.describe('rs-perm');
  assert.equal(d2.connectionStatus, 'connected');
  assert.equal(d2.sessionStatus, 'hidden');
  assert.equal(d2.createdDateTime, before.createdDateTime);
  assert.equal(d2.stats.sessionHealth, 'healthy');
});

test('MQTT state of a persistent session survives a restart: its subscription and the QoS 1 messages queued for it', async () => {
  const dir = tempDir();
  pool.removeLater(dir);
  const b1 = await open(dir);
  const sub = await b1.connect({ clientId: 'rs-queue', ...persistent5 });
  await sub.subscribeAsync('rs/queue', { qos: 1 });
  sub.end();
  await closed(sub);
  const pub = await b1.connect({ clientId: 'rs-queue-pub', protocolVersion: 4 });
  for (let i = 0; i < 3; i++) await pub.publishAsync('rs/queue', `q${i}`, { qos: 1 });
  await waitFor(async () => (await b1.describe('rs-queue')).stats.currentDeliveryBacklogged === 3, 2000, 'backlog of 3 before the restart');
  await b1.stop();

  const b2 = await open(dir);
  assert.equal((await b2.describe('rs-queue')).stats.currentDeliveryBacklogged, 3, 'the backlog after the restart');
  const back = await b2.connect({ clientId: 'rs-queue', ...persistent5 });
  const got = collect(back);
  assert.equal(back.connack.sessionPresent, true, 'the session (its subscription) was lost in the restart');
  await waitFor(() => got.length === 3, 3000, 'the 3 queued messages after the restart');
  assert.deepEqual(got.map((m) => m.text), ['q0', 'q1', 'q2']);
  // And the subscription still routes new messages.
  const pub2 = await b2.connect({ clientId: 'rs-queue-pub2', protocolVersion: 5 });
  await pub2.publishAsync('rs/queue', 'after', { qos: 1 });
  await waitFor(() => got.length === 4, 2000, 'a new message on the restored subscription');
  await waitFor(async () => (await b2.describe('rs-queue')).stats.currentDeliveryBacklogged === 0, 2000, 'backlog drained');
});

test('a temporary MQTT session disconnected before the restart still expires on time after it', async () => {
  const dir = tempDir();
  pool.removeLater(dir);
  const b1 = await open(dir);
  const c = await b1.connect({ clientId: 'rs-exp', protocolVersion: 5, clean: true, properties: { sessionExpiryInterval: 3 } });
  const long = await b1.connect({ clientId: 'rs-exp-long', protocolVersion: 5, clean: true, properties: { sessionExpiryInterval: 600 } });
  c.end();
  long.end();
  await Promise.all([closed(c), closed(long)]);
  const t0 = Date.now();
  await b1.stop();

  const b2 = await open(dir);
  const names = async () => (await b2.list({ partialClientName: 'rs-exp' })).map((r) => r.clientName);
  if (Date.now() - t0 < 2500) assert.ok((await names()).includes('rs-exp'), 'expired before its 3 s');
  await waitFor(async () => !(await names()).includes('rs-exp'), 5000, 'rs-exp expired after the restart');
  assert.ok(Date.now() - t0 >= 2500, 'expired too early');
  assert.deepEqual(await names(), ['rs-exp-long']);
});

test('after a crash (the process killed, no close) connected sessions come back disconnected', async () => {
  const dir = tempDir();
  pool.removeLater(dir);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const index = path.join(here, '..', 'index.ts');
  // A broker in a child process, so it can be killed with SIGKILL. It runs from the repository root,
  // where tsx reads the tsconfig.json whose paths lead to the workspaces' sources (not their dist/).
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
    import { createBroker } from ${JSON.stringify(index)};
    import { pino } from 'pino';
    const b = await createBroker({ dataDir: process.argv[1], adminPassword: ${JSON.stringify(ADMIN_PASSWORD)}, logger: pino({ level: 'silent' }) });
    const s = await b.listenMqtt(0, '127.0.0.1');
    console.log(JSON.stringify({ port: s.address().port }));
    setInterval(() => {}, 1000);
  `, dir], { cwd: path.join(here, '..', '..', '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] });
  const killChild = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  const client = { current: null as mqtt.MqttClient | null };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`child broker did not start: ${out}`)), 30_000);
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /\{"port":(\d+)\}/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => reject(new Error(`child broker exited with ${code}: ${out}`)));
    });
    client.current = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'rs-crash', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff }, reconnectPeriod: 0 });
    client.current.on('error', () => {});
    await client.current.subscribeAsync('rs/crash', { qos: 1 });
    // The connect is committed to the database (WAL) before the CONNACK is answered; give it a moment anyway.
    await sleep(200);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  } finally {
    killChild();
    client.current?.end(true);
  }

  const b2 = await open(dir);
  const d = await b2.describe('rs-crash');
  assert.equal(d.connectionStatus, 'disconnected');
  assert.equal(d.stats.sessionHealth, 'offline');
  assert.ok(d.disconnectionDateTime, 'a crash must still leave a disconnect time (the restart)');
  assert.deepEqual(d.subscribedTopics.map((s: any) => s.topicFilter), ['rs/crash']);
  assert.deepEqual((await b2.list({ connectionStatusFilter: ['connected'] })).map((r) => r.clientName), []);
  const back = await b2.connect({ clientId: 'rs-crash', ...persistent5 });
  assert.equal((await b2.describe('rs-crash')).connectionStatus, 'connected');
  back.end();
});
