/**
 * Crash safety under load: the real server process is killed with SIGKILL at a random moment while
 * publishers send QoS 1 messages to persistent subscribers that are offline and administrators
 * change sessions through POST /api, then restarted on the same data folder — over and over.
 * After every kill the database passes PRAGMA integrity_check and holds every session change that
 * was answered errorCode 0; at the end the subscribers come back and receive every message that
 * was PUBACKed (QoS 1: duplicates allowed, losses not).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { api, freePort, integrityCheck, login, sleep, spawnServer, type ServerProcess } from './server-process.ts';

const ADMIN_PASSWORD = 'crash-kill9-admin-pw';
const KILLS = Number(process.env.CRASH_KILLS ?? 20);
const SUBSCRIBERS = ['crash-sub-5', 'crash-sub-4'];
const TARGETS = ['crash-target-0', 'crash-target-1', 'crash-target-2'];

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-kill9-'));
const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const persistent5: IClientOptions = { protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 0xffffffff } };
const persistent4: IClientOptions = { protocolVersion: 4, clean: false };

function connect(port: number, clientId: string, opts: IClientOptions, onMessage?: (payload: string) => void): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect({ host: '127.0.0.1', port, clientId, reconnectPeriod: 0, connectTimeout: 10_000, ...opts });
    if (onMessage) c.on('message', (_t, payload) => onMessage(payload.toString()));
    c.once('connect', () => resolve(c));
    c.once('error', (err) => { c.end(true); reject(err); });
    c.once('close', () => reject(new Error(`${clientId}: connection closed before CONNACK`)));
  });
}

const end = (c: MqttClient) => new Promise<void>((r) => c.end(false, {}, () => r()));

let mqttPort = 0;
let httpPort = 0;
let server: ServerProcess | null = null;
cleanups.push(() => server?.kill('SIGKILL'));

async function start(): Promise<ServerProcess> {
  // No per-session queue limit here: on a fast machine the offline subscribers are sent more than
  // the default 100,000 messages, and a drop by the limit (by design, counted) is not a crash loss.
  const s = spawnServer({ dataDir, mqttPort, httpPort, adminPassword: ADMIN_PASSWORD, env: { MQTT_MAX_QUEUED_MESSAGES: '0' } });
  await s.listening();
  return s;
}

/** Every PUBACKed payload, and the payloads that were sent but not (yet) acknowledged. */
const acked = new Set<string>();
/** Per target session: the last maxHealthySendRatePerMinute answered errorCode 0, and the one in flight. */
const sessionState = new Map<string, { acked: number; inFlight: number | null }>(TARGETS.map((t) => [t, { acked: 0, inFlight: null }]));
let acknowledgedChanges = 0;

/**
 * One life of the server: traffic from two publishers (MQTT 3.1.1 and 5) and one admin loop per
 * target session, until `stop` is set; resolves when the loops have seen the connection die.
 */
function traffic(cycle: number, token: string): { stop: () => void; done: Promise<void> } {
  let stopped = false;
  const loops: Array<Promise<void>> = [];
  for (const [i, opts] of ([persistent4, { protocolVersion: 5 }] as IClientOptions[]).entries()) {
    loops.push((async () => {
      let pub: MqttClient;
      try {
        pub = await connect(mqttPort, `crash-pub-${i}`, { ...opts, clean: true });
      } catch {
        return;
      }
      pub.on('error', () => {});
      let seq = 0;
      let inFlight = 0;
      let broken = false;
      await new Promise<void>((resolve) => {
        const pump = () => {
          while (!stopped && !broken && pub.connected && inFlight < 32) {
            const payload = `c${cycle}-p${i}-${seq++}`;
            inFlight++;
            pub.publish(`crash/line-${i}`, payload, { qos: 1 }, (err, packet) => {
              inFlight--;
              // MQTT 5: a PUBACK with a reason code >= 0x80 is a refusal, not an acknowledgement.
              const code = (packet as { reasonCode?: number } | undefined)?.reasonCode ?? 0;
              if (!err && code < 0x80) acked.add(payload);
              if (err) broken = true;
              else setImmediate(pump);
            });
          }
          if (stopped || broken || !pub.connected) resolve();
        };
        pub.once('close', () => resolve());
        pump();
      });
      pub.end(true);
    })());
  }
  for (const target of TARGETS) {
    loops.push((async () => {
      const state = sessionState.get(target)!;
      while (!stopped) {
        const value = state.acked + 1 + Math.floor(Math.random() * 3);
        state.inFlight = value;
        let r: any;
        try {
          r = await api(httpPort, { action: 'alterMqSession', authToken: token, params: { clientName: target, maxHealthySendRatePerMinute: value } });
        } catch {
          return; // the server died with this request unanswered: inFlight may or may not be stored
        }
        if (r.errorCode === 0) {
          state.acked = value;
          acknowledgedChanges++;
        }
        state.inFlight = null;
      }
    })());
  }
  return { stop: () => { stopped = true; }, done: Promise.all(loops).then(() => undefined) };
}

/** After a kill, with the server down: the file is sound and every acknowledged change is in it. */
function checkDatabase(cycle: number): void {
  const file = path.join(dataDir, 'mqdash.db');
  assert.equal(integrityCheck(file), 'ok', `integrity_check after kill ${cycle}`);
  const db = new Database(file, { readonly: true });
  try {
    for (const [target, state] of sessionState) {
      const row = db.prepare('SELECT max_send FROM sessions WHERE client_name = ?').get(target) as { max_send: number };
      const allowed = [state.acked, ...(state.inFlight !== null ? [state.inFlight] : [])];
      assert.ok(allowed.includes(row.max_send), `kill ${cycle}: ${target} has max_send ${row.max_send}; acknowledged ${state.acked}, in flight ${state.inFlight}`);
      // What the file holds is what the next life starts from: a change in flight at the kill
      // that was stored counts as made from now on (else the next life's check, which knows only
      // its own change in flight, would take it for a lost or invented one).
      state.acked = row.max_send;
      state.inFlight = null;
    }
  } finally {
    db.close();
  }
}

// 20 restarts of a tsx process: about 80 s here, more on a busy machine, so past the runner's default timeout.
test(`SIGKILL at ${KILLS} random moments under load loses no acknowledged message or session change, and the database stays sound`, { timeout: 300_000 }, async () => {
  [mqttPort, httpPort] = [await freePort(), await freePort()];
  server = await start();
  // Persistent subscribers (MQTT 5 with an expiry that never ends, MQTT 3.1.1 clean=false), then offline.
  for (const [i, id] of SUBSCRIBERS.entries()) {
    const sub = await connect(mqttPort, id, i === 0 ? persistent5 : persistent4);
    await sub.subscribeAsync('crash/#', { qos: 1 });
    await end(sub);
  }
  for (const id of TARGETS) await end(await connect(mqttPort, id, persistent5));

  const started = Date.now();
  for (let cycle = 1; cycle <= KILLS; cycle++) {
    if (cycle > 1) server = await start();
    const token = await login(httpPort, ADMIN_PASSWORD);
    const t = traffic(cycle, token);
    // A random moment: somewhere in 0.2–1.5 s of traffic.
    await sleep(200 + Math.random() * 1300);
    const code: number | null = await server.kill('SIGKILL');
    assert.equal(code, null);
    assert.equal(server.child.signalCode, 'SIGKILL');
    t.stop();
    await t.done;
    checkDatabase(cycle);
  }
  assert.ok(acked.size > KILLS * 20, `enough messages were acknowledged to mean something (${acked.size})`);
  assert.ok(acknowledgedChanges > KILLS, `enough session changes were acknowledged (${acknowledgedChanges})`);

  // The last life: the server starts cleanly, the subscribers come back and get everything.
  server = await start();
  const token = await login(httpPort, ADMIN_PASSWORD);
  const described = await api(httpPort, { action: 'describeMqSessions', authToken: token, params: { clientNames: TARGETS } });
  assert.equal(described.errorCode, 0, JSON.stringify(described));
  assert.equal(described.result.data.length, TARGETS.length);
  for (const s of described.result.data) {
    const state = sessionState.get(s.clientName)!;
    assert.ok([state.acked, state.inFlight].includes(s.stats.maxHealthySendRatePerMinute), `${s.clientName}: ${s.stats.maxHealthySendRatePerMinute} after restart`);
  }

  for (const [i, id] of SUBSCRIBERS.entries()) {
    const got = new Set<string>();
    let deliveries = 0;
    const sub = await connect(mqttPort, id, i === 0 ? persistent5 : persistent4, (p) => { got.add(p); deliveries++; });
    const deadline = Date.now() + 60_000;
    let last = -1;
    let quietSince = Date.now();
    // Wait until every acknowledged message is in, or nothing new has come for 3 s.
    while ([...acked].some((p) => !got.has(p)) && Date.now() < deadline) {
      if (got.size !== last) { last = got.size; quietSince = Date.now(); }
      if (Date.now() - quietSince > 3000) break;
      await sleep(100);
    }
    const lost = [...acked].filter((p) => !got.has(p));
    assert.deepEqual(lost.slice(0, 20), [], `${id}: ${lost.length} of ${acked.size} acknowledged messages lost (got ${got.size} distinct, ${deliveries} deliveries)`);
    await end(sub);
    console.log(`# ${id}: ${acked.size} acknowledged, ${got.size} distinct received, ${deliveries - got.size} duplicates`);
  }
  console.log(`# ${KILLS} kills in ${((Date.now() - started) / 1000).toFixed(1)} s; ${acknowledgedChanges} session changes acknowledged`);
  await server.kill('SIGTERM');
  assert.equal(integrityCheck(path.join(dataDir, 'mqdash.db')), 'ok');
});
