/**
 * The createBackup action and Settings → Backup (`POST /bff/backups`, `GET /bff/backups/:fileName`)
 * through supertest on the exported app, against a real broker on a real SQLite file while a real
 * mqtt.js publisher sends QoS 1 traffic: the download is a consistent, complete database; only the
 * sign-in that made it can fetch it, once; administrators only; audited.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import request from 'supertest';
import { createBroker, type Broker } from '@mqdash/broker';
import { createApp } from '../app.ts';
import { heldMessages, publishInOrder } from './cli-helpers.ts';
import { waitFor } from './emqx-helpers.ts';

const ADMIN = 'bff-backup-admin-pw';
let dir: string;
let broker: Broker;
let app: ReturnType<typeof createApp>;
const clients: MqttClient[] = [];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-bff-backup-'));
  broker = await createBroker({ dataDir: dir, adminPassword: ADMIN, logger: pino({ level: 'silent' }) });
  const port = ((await broker.listenMqtt(0)).address() as net.AddressInfo).port;
  app = createApp(broker, { maxBodyBytes: 64 * 1024 });
  const sub = await mqtt.connectAsync({ host: '127.0.0.1', port, clientId: 'bb-offline', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff }, reconnectPeriod: 0 });
  await sub.subscribeAsync('bb/#', { qos: 1 });
  await sub.endAsync();
  clients.push(await mqtt.connectAsync({ host: '127.0.0.1', port, clientId: 'bb-pub', protocolVersion: 5, reconnectPeriod: 0 }));
});
after(async () => {
  for (const c of clients) await c.endAsync(true);
  await broker.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function signIn(): Promise<{ agent: ReturnType<typeof request.agent>; csrf: string }> {
  const agent = request.agent(app);
  const r = await agent.post('/bff/login').send({ username: 'admin', password: ADMIN }).expect(200);
  return { agent, csrf: r.body.csrfToken };
}

const backupsDir = () => path.join(dir, 'backups');
/** supertest's parser for a binary body: the bytes as one Buffer. */
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

test('a backup made under QoS 1 traffic downloads once, complete and consistent, and is then gone from the server', async () => {
  const { agent, csrf } = await signIn();
  await agent.post('/bff/backups').expect(403);
  await request(app).post('/bff/backups').set('X-CSRF-Token', csrf).expect(401);

  const traffic = publishInOrder(clients[0]!, 'bb/x');
  await traffic.untilAcked(200);
  const ackedBefore = traffic.acked();
  const made = await agent.post('/bff/backups').set('X-CSRF-Token', csrf).expect(201);
  await traffic.stop();
  assert.match(made.body.fileName, /^mqdash-backup-[0-9TZ-]+\.db$/);
  assert.ok(made.body.bytes > 0 && made.body.pages > 0 && typeof made.body.durationMilliseconds === 'number', JSON.stringify(made.body));

  const got = await agent.get(`/bff/backups/${made.body.fileName}`).buffer(true).parse(binary).expect(200);
  assert.equal(got.headers['content-type'], 'application/vnd.sqlite3');
  assert.equal(Number(got.headers['content-length']), made.body.bytes);
  assert.equal(got.headers['content-disposition'], `attachment; filename="${made.body.fileName}"`);
  assert.equal((got.body as Buffer).length, made.body.bytes);
  const file = path.join(dir, 'downloaded.db');
  fs.writeFileSync(file, got.body as Buffer);
  const db = new Database(file, { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.equal(db.prepare("SELECT count(*) FROM sessions WHERE client_name = 'bb-offline'").pluck().get(), 1);
    const held = heldMessages(db, 'bb-offline', 'bb/x').map((p) => Number(p.toString()));
    assert.deepEqual(held, held.map((_, i) => i), 'the queued messages are 0..k, none missing or twice');
    assert.ok(held.length >= ackedBefore, `every message acknowledged before the backup is in it (${held.length} ≥ ${ackedBefore})`);
  } finally {
    db.close();
  }

  // Sent in full: gone from the server (once the response has closed, which may come after
  // the client has read the body), and a second fetch finds nothing.
  await waitFor(() => fs.readdirSync(backupsDir()).length === 0, 'the sent backup removed from the server');
  await agent.get(`/bff/backups/${made.body.fileName}`).expect(404);
});

test('only the sign-in that made a backup can fetch it; names that are not backups are refused', async () => {
  const a = await signIn();
  const b = await signIn();
  const made = await a.agent.post('/bff/backups').set('X-CSRF-Token', a.csrf).expect(201);
  const other = await b.agent.get(`/bff/backups/${made.body.fileName}`).expect(404);
  assert.equal(other.body.error, 'BACKUP_NOT_FOUND');
  for (const name of ['..%2Fmqdash.db', 'mqdash.db', '%2E%2E', 'mqdash-backup-x.db']) await a.agent.get(`/bff/backups/${name}`).expect(404);
  // Read in full (superagent leaves an unknown type's body unread, and the server waits for it).
  await a.agent.get(`/bff/backups/${made.body.fileName}`).buffer(true).parse(binary).expect(200);
  await waitFor(() => !fs.readdirSync(backupsDir()).includes(made.body.fileName), 'the fetched backup removed from the server');
});

test('createBackup through the JSON API keeps the file in DATA_DIR/backups; API keys may not; every backup is audited', async () => {
  const login = await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN } });
  const r = await broker.actions.run({ action: 'createBackup', params: {}, authToken: login.authToken }, { source: 'api' });
  assert.equal(r.errorCode, 0, r.errorMessage);
  const { fileName } = r.result as { fileName: string };
  assert.ok(fs.existsSync(path.join(backupsDir(), fileName)));

  // Even an API key with the administrator role: backups are for accounts.
  const byKey = await broker.actions.run({ action: 'createBackup', params: {} }, { source: 'emqx', principal: 'apikey:ops', principalRole: 'administrator' });
  assert.equal(byKey.errorCode, 14009);
  assert.match(byKey.errorMessage, /administrator accounts .* not for an API key/);
  assert.deepEqual(fs.readdirSync(backupsDir()), [fileName], 'the refused one wrote nothing');

  const audit = await broker.actions.run({ action: 'listAuditLog', params: { target: 'backup', maxRecords: 10 }, authToken: login.authToken });
  const entries = (audit.result as { data: Array<{ action: string; actor: string; errorCode: number; details: { source: string } }> }).data;
  assert.deepEqual(entries.map((e) => [e.action, e.actor, e.errorCode, e.details.source]), [
    ['createBackup', 'apikey:ops', 14009, 'emqx'], ['createBackup', 'admin', 0, 'api'],
    ['createBackup', 'admin', 0, 'bff'], ['createBackup', 'admin', 0, 'bff'],
  ]);
});
