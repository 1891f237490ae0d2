/**
 * `GET /metrics` of the real server (startServer: real listeners, a real SQLite file), parsed with a
 * Prometheus text-format parser: counters move with real MQTT traffic from mqtt.js clients (TCP
 * and WebSocket, MQTT 3.1.1 and 5.0, QoS 0 and 1, a refused CONNECT), no client id becomes a label,
 * access needs an API key or an address in METRICS_ALLOW, and every metric the shipped Grafana
 * dashboard and Prometheus alert rules use is in a real scrape.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import { pino } from 'pino';
import { loadConfig } from '../config.ts';
import { startServer, type RunningServer } from '../server.ts';
import { waitFor } from './emqx-helpers.ts';

const ADMIN_PASSWORD = 'metrics-admin-password';
const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../docs');
const dirs: string[] = [];
const servers: RunningServer[] = [];
const clients: MqttClient[] = [];
let server: RunningServer;
let auth: string;

async function start(extra: string[] = []): Promise<RunningServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-metrics-'));
  dirs.push(dir);
  const s = await startServer(loadConfig(['--port', '0', '--mqtt-port', '0', '--data-dir', dir, '--admin-password', ADMIN_PASSWORD, ...extra]), pino({ level: 'silent' }));
  servers.push(s);
  return s;
}

async function admin(s: RunningServer, action: string, params: Record<string, unknown> = {}) {
  const login = await s.broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } });
  const r = await s.broker.actions.run({ action, params, authToken: login.authToken });
  assert.equal(r.errorCode, 0, `${action}: ${r.errorMessage}`);
  return r.result as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function basicAuth(s: RunningServer, name: string, role: string): Promise<string> {
  const k = await admin(s, 'createApiKey', { name, role });
  return `Basic ${Buffer.from(`${k.apiKey}:${k.apiSecret}`).toString('base64')}`;
}

const scrapeRaw = (s: RunningServer, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${s.httpPort}/metrics`, { headers });

/** One scrape, parsed: family name → samples. */
async function scrape(s = server) {
  const res = await scrapeRaw(s, { authorization: auth });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; .*version=0\.0\.4/);
  const families = parsePrometheusTextFormat(await res.text());
  return new Map(families.map((f) => [f.name, f]));
}

/** The value of the sample of `name` whose labels include `labels` (0 when there is none). */
async function value(name: string, labels: Record<string, string> = {}): Promise<number> {
  const family = (await scrape()).get(name);
  assert.ok(family, `${name} is exposed`);
  const sample = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return Number(sample?.value ?? 0);
}

/** `onMessage` listens from the start: a session's queued messages may arrive with its CONNACK. */
function connect(clientId: string, opts: IClientOptions & { ws?: boolean; onMessage?: (topic: string, payload: Buffer) => void } = {}): Promise<MqttClient> {
  const { ws, onMessage, ...rest } = opts;
  const o: IClientOptions = { clientId, reconnectPeriod: 0, connectTimeout: 10_000, protocolVersion: 5, ...rest };
  const client = ws ? mqtt.connect(`ws://127.0.0.1:${server.httpPort}/mqtt`, o) : mqtt.connect(`mqtt://127.0.0.1:${server.mqttPort}`, o);
  clients.push(client);
  if (onMessage) client.on('message', onMessage);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

before(async () => {
  server = await start();
  auth = await basicAuth(server, 'prometheus', 'viewer');
});

after(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
  for (const s of servers) await s.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

test('connections are counted by listener and protocol, and go back down when clients leave', async () => {
  const v5 = await connect('metrics-tcp-v5');
  const v311 = await connect('metrics-tcp-v311', { protocolVersion: 4 });
  const ws = await connect('metrics-ws-v5', { ws: true });
  await waitFor(async () => (await value('mqdash_mqtt_connections', { listener: 'tcp', protocol: '5.0' })) === 1, 'one TCP MQTT 5 connection');
  assert.equal(await value('mqdash_mqtt_connections', { listener: 'tcp', protocol: '3.1.1' }), 1);
  assert.equal(await value('mqdash_mqtt_connections', { listener: 'ws', protocol: '5.0' }), 1);
  assert.ok(await value('mqdash_mqtt_connects_total', { listener: 'ws', protocol: '5.0' }) >= 1);
  const disconnectsBefore = await value('mqdash_mqtt_disconnects_total');
  await Promise.all([v5.endAsync(), v311.endAsync(), ws.endAsync()]);
  await waitFor(async () => (await value('mqdash_mqtt_connections', { listener: 'tcp', protocol: '5.0' })) === 0
    && (await value('mqdash_mqtt_connections', { listener: 'ws', protocol: '5.0' })) === 0
    && (await value('mqdash_mqtt_connections', { listener: 'tcp', protocol: '3.1.1' })) === 0, 'the connections closed');
  assert.equal(await value('mqdash_mqtt_disconnects_total'), disconnectsBefore + 3);
});

test('messages and payload bytes in and out move by QoS with real traffic', async () => {
  const before = {
    in0: await value('mqdash_mqtt_messages_received_total', { qos: '0' }),
    in1: await value('mqdash_mqtt_messages_received_total', { qos: '1' }),
    out0: await value('mqdash_mqtt_messages_sent_total', { qos: '0' }),
    out1: await value('mqdash_mqtt_messages_sent_total', { qos: '1' }),
    bytesIn1: await value('mqdash_mqtt_payload_bytes_received_total', { qos: '1' }),
    bytesOut0: await value('mqdash_mqtt_payload_bytes_sent_total', { qos: '0' }),
  };
  const sub = await connect('metrics-sub');
  await sub.subscribeAsync('metrics/#', { qos: 1 });
  const pub = await connect('metrics-pub', { protocolVersion: 4 });
  let received = 0;
  sub.on('message', () => received++);
  for (let i = 0; i < 5; i++) await pub.publishAsync('metrics/q0', 'x'.repeat(10), { qos: 0 });
  for (let i = 0; i < 3; i++) await pub.publishAsync('metrics/q1', 'y'.repeat(100), { qos: 1 });
  await waitFor(() => received === 8, 'the subscriber got all 8 messages');
  await waitFor(async () => (await value('mqdash_mqtt_messages_sent_total', { qos: '1' })) === before.out1 + 3, 'QoS 1 deliveries counted');
  assert.equal(await value('mqdash_mqtt_messages_received_total', { qos: '0' }), before.in0 + 5);
  assert.equal(await value('mqdash_mqtt_messages_received_total', { qos: '1' }), before.in1 + 3);
  assert.equal(await value('mqdash_mqtt_messages_sent_total', { qos: '0' }), before.out0 + 5);
  assert.equal(await value('mqdash_mqtt_payload_bytes_received_total', { qos: '1' }), before.bytesIn1 + 300);
  assert.equal(await value('mqdash_mqtt_payload_bytes_sent_total', { qos: '0' }), before.bytesOut0 + 50);
  // The subscription is in the store, and a retained message is held.
  assert.ok(await value('mqdash_subscriptions') >= 1);
  const retainedBefore = await value('mqdash_mqtt_retained_messages');
  await pub.publishAsync('metrics/retained', 'kept', { qos: 1, retain: true });
  await waitFor(async () => (await value('mqdash_mqtt_retained_messages')) === retainedBefore + 1, 'the retained message counted');
  // Sessions by type, status, connection and health come from the store.
  assert.ok(await value('mqdash_sessions', { session_type: 'mqtt', connection_status: 'connected', session_status: 'normal' }) >= 2);
});

test('a message that expires before delivery and a QoS 1 backlog of an offline session are counted', async () => {
  const expiredBefore = await value('mqdash_mqtt_messages_expired_total');
  const queuedBefore = await value('mqdash_queued_messages', { session_type: 'mqtt' });
  const sub = await connect('metrics-offline', { clean: false, properties: { sessionExpiryInterval: 3600 } });
  await sub.subscribeAsync('metrics/offline', { qos: 1 });
  await sub.endAsync();
  const pub = await connect('metrics-pub-offline');
  await pub.publishAsync('metrics/offline', 'soon gone', { qos: 1, properties: { messageExpiryInterval: 1 } });
  // The broker had the message before it acknowledged it: its expiry is at most a second after this.
  const expiresBy = Date.now() + 1000;
  await pub.publishAsync('metrics/offline', 'stays', { qos: 1 });
  await waitFor(async () => (await value('mqdash_queued_messages', { session_type: 'mqtt' })) === queuedBefore + 2, 'two messages queued for the offline session');
  // The first one's expiry passes while its subscriber is away; coming back, it is not delivered.
  await waitFor(() => Date.now() > expiresBy, 'the first message\'s expiry');
  const got: string[] = [];
  await connect('metrics-offline', { clean: false, properties: { sessionExpiryInterval: 3600 }, onMessage: (_t, p) => got.push(p.toString()) });
  await waitFor(() => got.includes('stays'), 'the message that did not expire');
  await waitFor(async () => (await value('mqdash_mqtt_messages_expired_total')) === expiredBefore + 1, 'the expired message counted');
  await waitFor(async () => (await value('mqdash_queued_messages', { session_type: 'mqtt' })) === queuedBefore, 'the queue emptied');
  assert.deepEqual(got, ['stays']);
});

test('messages dropped from a full queue are counted (MQTT_MAX_QUEUED_MESSAGES)', async () => {
  const small = await start(['--mqtt-max-queued-messages', '2']);
  const key = await basicAuth(small, 'prometheus-small', 'viewer');
  const dropped = async () => {
    const res = await scrapeRaw(small, { authorization: key });
    const family = parsePrometheusTextFormat(await res.text()).find((f) => f.name === 'mqdash_mqtt_messages_dropped_total');
    return Number(family?.metrics.find((m) => m.labels?.reason === 'queue_full')?.value);
  };
  assert.equal(await dropped(), 0);
  const url = `mqtt://127.0.0.1:${small.mqttPort}`;
  const open = (clientId: string, o: IClientOptions = {}) => {
    const c = mqtt.connect(url, { clientId, reconnectPeriod: 0, protocolVersion: 5, ...o });
    clients.push(c);
    return new Promise<MqttClient>((resolve, reject) => { c.once('connect', () => resolve(c)); c.once('error', reject); });
  };
  const sub = await open('metrics-small-queue', { clean: false, properties: { sessionExpiryInterval: 3600 } });
  await sub.subscribeAsync('metrics/full', { qos: 1 });
  await sub.endAsync();
  const pub = await open('metrics-small-pub');
  for (let i = 0; i < 5; i++) await pub.publishAsync('metrics/full', `m${i}`, { qos: 1 });
  await waitFor(async () => (await dropped()) === 3, 'three of five messages dropped from a queue of two');
});

test('refused CONNECTs are counted by reason (wrong password, banned)', async () => {
  await admin(server, 'createMqttUser', { username: 'metrics-device', password: 'right-password-1' });
  try {
    const badBefore = await value('mqdash_mqtt_connects_refused_total', { reason: 'bad_username_or_password' });
    await assert.rejects(connect('metrics-wrong-pw', { username: 'metrics-device', password: 'wrong-password' }));
    await waitFor(async () => (await value('mqdash_mqtt_connects_refused_total', { reason: 'bad_username_or_password' })) === badBefore + 1, 'the refusal counted');
    // A persistent session, so that it is still there to ban once its client has left.
    const ok = await connect('metrics-banned', { username: 'metrics-device', password: 'right-password-1', clean: false, properties: { sessionExpiryInterval: 3600 } });
    await ok.endAsync();
    await admin(server, 'alterMqSession', { clientName: 'metrics-banned', sessionStatus: 'banned' });
    const bannedBefore = await value('mqdash_mqtt_connects_refused_total', { reason: 'banned' });
    await assert.rejects(connect('metrics-banned', { username: 'metrics-device', password: 'right-password-1' }));
    await waitFor(async () => (await value('mqdash_mqtt_connects_refused_total', { reason: 'banned' })) === bannedBefore + 1, 'the ban counted');
  } finally {
    await admin(server, 'deleteMqttUser', { username: 'metrics-device' });
  }
});

test('latency histograms are labelled by action name and route pattern, never by a client id or URL', async () => {
  await connect('metrics-label-probe-7f3a');
  const key = await basicAuth(server, 'metrics-emqx-reader', 'viewer');
  const res = await fetch(`http://127.0.0.1:${server.httpPort}/api/v5/clients/metrics-label-probe-7f3a`, { headers: { authorization: key } });
  assert.equal(res.status, 200);
  await server.broker.actions.run({ action: 'no-such-action-9b1c' });
  assert.ok((await scrape()).get('mqdash_http_request_duration_seconds'), 'the HTTP histogram is exposed');
  const text = await (await scrapeRaw(server, { authorization: auth })).text();
  assert.match(text, /mqdash_http_request_duration_seconds_count\{api="emqx",method="GET",route="\/clients\/:clientid",status="2xx"\} 1/);
  assert.match(text, /mqdash_json_action_duration_seconds_count\{action="createApiKey",source="internal",outcome="success"\}/);
  // The BFF's refusal of a request without a sign-in is timed under its route pattern too.
  const bff = await fetch(`http://127.0.0.1:${server.httpPort}/bff/sessions/metrics-label-probe-7f3a/history`);
  assert.equal(bff.status, 401);
  await waitFor(async () => /mqdash_http_request_duration_seconds_count\{api="bff",method="GET",route="\/sessions\/:clientName\/history",status="4xx"\} 1/
    .test(await (await scrapeRaw(server, { authorization: auth })).text()), 'the BFF request timed under its pattern');
  assert.match(text, /mqdash_json_action_duration_seconds_count\{action="unknown",source="internal",outcome="error"\}/);
  assert.match(text, /mqdash_store_write_duration_seconds_count\{store="registry"\}/);
  assert.match(text, /mqdash_store_write_duration_seconds_count\{store="mqtt_state"\}/);
  const last = await (await scrapeRaw(server, { authorization: auth })).text();
  assert.doesNotMatch(last, /metrics-label-probe-7f3a|no-such-action-9b1c/, 'no client id, URL or unknown action name is a label value');
});

test('default process metrics: event-loop delay, memory, CPU', async () => {
  const families = await scrape();
  for (const name of ['nodejs_eventloop_lag_p99_seconds', 'process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_heap_size_used_bytes'])
    assert.ok(families.has(name), `${name} is exposed`);
  assert.ok(Number(families.get('process_resident_memory_bytes')!.metrics[0]!.value) > 10_000_000);
});

test('access: refused without a key (401), allowed with one, refused with a wrong secret', async () => {
  const none = await scrapeRaw(server);
  assert.equal(none.status, 401);
  assert.equal(((await none.json()) as { code: string }).code, 'BAD_API_KEY_OR_SECRET');
  assert.match(none.headers.get('www-authenticate') ?? '', /^Basic/);
  const wrong = await scrapeRaw(server, { authorization: `Basic ${Buffer.from('prometheus-key:wrong').toString('base64')}` });
  assert.equal(wrong.status, 401);
  assert.equal((await scrapeRaw(server, { authorization: auth })).status, 200);
});

test('access: METRICS_ALLOW lets listed addresses in without a key, and no one else', async () => {
  const allowed = await start(['--metrics-allow', '10.0.0.0/8, 127.0.0.0/8,::1']);
  assert.equal((await scrapeRaw(allowed)).status, 200);
  const elsewhere = await start(['--metrics-allow', '10.1.2.3,192.168.0.0/16']);
  assert.equal((await scrapeRaw(elsewhere)).status, 401, 'an address outside the list needs a key');
  assert.equal((await scrapeRaw(elsewhere, { authorization: await basicAuth(elsewhere, 'prom', 'viewer') })).status, 200);
  assert.throws(() => loadConfig(['--metrics-allow', '10.0.0.0/33']), /--metrics-allow \(METRICS_ALLOW\): "10\.0\.0\.0\/33" is not an IP address or a CIDR range/);
  assert.throws(() => loadConfig(['--metrics-allow', ' , ']), /METRICS_ALLOW.*is empty/);
});

/**
 * Metric names a PromQL expression selects (lezer-promql's syntax tree), less Prometheus' own `up`.
 * Grafana's range macros are replaced by a duration first (they are Grafana's, not PromQL).
 */
function metricNames(grafanaExpr: string): string[] {
  const expr = grafanaExpr.replace(/\$__(rate_)?interval/g, '5m');
  const names: string[] = [];
  const tree = promqlParser.parse(expr);
  let errors = 0;
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors++;
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.push(expr.slice(id.from, id.to));
      }
    },
  });
  assert.equal(errors, 0, `PromQL parses: ${expr}`);
  return names.filter((n) => n !== 'up');
}

test('every metric the Grafana dashboard and the alert rules use is in a real scrape', async () => {
  const families = await scrape();
  const exposed = new Set<string>();
  for (const [name, f] of families) {
    exposed.add(name);
    if (f.type === 'HISTOGRAM') for (const s of ['_bucket', '_count', '_sum']) exposed.add(`${name}${s}`);
  }
  const dashboard = JSON.parse(fs.readFileSync(path.join(docs, 'grafana-dashboard.json'), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
  const rules = parseYaml(fs.readFileSync(path.join(docs, 'prometheus-alerts.yaml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
  const used = new Map<string, string>();
  for (const p of dashboard.panels) for (const t of p.targets) for (const n of metricNames(t.expr)) used.set(n, `dashboard panel "${p.title}"`);
  for (const g of rules.groups) for (const r of g.rules) for (const n of metricNames(r.expr)) used.set(n, `alert ${r.alert}`);
  assert.ok(used.size >= 15, `the files use ${used.size} metrics`);
  const missing = [...used].filter(([n]) => !exposed.has(n)).map(([n, where]) => `${n} (${where})`);
  assert.deepEqual(missing, [], 'metrics used but not exposed');
});
