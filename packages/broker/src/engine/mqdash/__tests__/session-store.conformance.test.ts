/**
 * The conformance suite of the engine's persistence (`SessionStore`), run against every
 * implementation: what a backend must keep of a session and of retained messages, carried over
 * from what aedes-persistence's abstract suite checks (subscriptions, outgoing queue and packet
 * ids, incoming QoS 2, wills, retained messages with wildcards and expiry). `reopen` gives a new
 * store over the same data, as after a restart.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { startPostgres, type Service } from '../../../cluster/__tests__/services.ts';
import { MemorySessionStore } from '../memory-store.ts';
import { PostgresSessionStore } from '../pg-store.ts';
import type { SessionState, SessionStore } from '../persistence.ts';
import { SqliteSessionStore } from '../sqlite-store.ts';
import type { EngineMessage, Subscription } from '../types.ts';

interface Backend {
  name: string;
  /** A new, empty store and a way to reopen it over the same data. */
  create(): Promise<{ store: SessionStore; reopen(): Promise<SessionStore> }>;
}

const folder = mkdtempSync(join(tmpdir(), 'mqdash-store-'));
const databases: Database.Database[] = [];
after(() => {
  for (const db of databases) db.close();
  rmSync(folder, { recursive: true, force: true });
});
let files = 0;

// PostgreSQL: one throwaway server for the suite, one new database per store
let postgres: Service | undefined;
const pgStores: PostgresSessionStore[] = [];
before(async () => {
  postgres = await startPostgres();
});
after(async () => {
  for (const store of pgStores) await store.close().catch(() => undefined);
  await postgres?.stop();
});
async function newDatabase(): Promise<string> {
  const name = `store_${files++}`;
  const admin = new pg.Client(postgres!.url);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return postgres!.url.replace(/\/postgres$/, `/${name}`);
}

const backends: Backend[] = [
  {
    name: 'memory',
    create: async () => {
      const store = new MemorySessionStore();
      return { store, reopen: async () => store };
    },
  },
  {
    name: 'sqlite',
    create: async () => {
      const file = join(folder, `store-${files++}.db`);
      const open = async () => {
        const db = new Database(file);
        db.pragma('journal_mode = WAL');
        databases.push(db);
        return new SqliteSessionStore(db);
      };
      return { store: await open(), reopen: open };
    },
  },
  {
    name: 'postgres',
    create: async () => {
      const url = await newDatabase();
      const open = async () => {
        const store = await PostgresSessionStore.open(url);
        pgStores.push(store);
        return store;
      };
      return { store: await open(), reopen: open };
    },
  },
];

const message = (topic: string, text: string, extra: Partial<EngineMessage> = {}): EngineMessage => ({
  topic,
  payload: Buffer.from(text),
  qos: 1,
  retain: false,
  properties: {},
  ...extra,
});

const subscription = (clientId: string, filter: string, extra: Partial<Subscription> = {}): Subscription => ({
  clientId,
  filter,
  topicFilter: filter,
  qos: 1,
  noLocal: false,
  retainAsPublished: false,
  retainHandling: 0,
  ...extra,
});

function sessionState(clientId: string): SessionState {
  return {
    clientId,
    expiryInterval: 300,
    disconnectedAt: 1_700_000_000_000,
    subscriptions: [
      subscription(clientId, 'a/+', { subscriptionId: 7, noLocal: true }),
      subscription(clientId, '$share/g/b/#', { topicFilter: 'b/#', group: 'g', qos: 2, retainHandling: 2 }),
    ],
    inFlight: [
      { packetId: 4, state: 'publish', outgoing: { message: message('a/1', 'first'), qos: 1, retain: false, subscriptionIds: [7] } },
      { packetId: 5, state: 'pubrel', outgoing: { message: message('b/x', 'second', { qos: 2 }), qos: 2, retain: false, subscriptionIds: [] } },
    ],
    queue: [
      {
        message: message('a/2', 'third', {
          expiresAt: 1_700_000_060_000,
          origin: 'publisher',
          properties: { correlationData: Buffer.from([0, 1, 255]), userProperties: { z: 'last', a: ['x', 'y'] }, contentType: 'text/plain' },
        }),
        qos: 1,
        retain: true,
        subscriptionIds: [7],
      },
      { message: message('a/3', 'fourth'), qos: 1, retain: false, subscriptionIds: [] },
    ],
    incomingQos2: [9, 3],
    will: { message: message('will/t', 'gone', { qos: 1, retain: true }), delaySeconds: 30, expirySeconds: 60 },
    nextPacketId: 6,
  };
}

for (const backend of backends) {
  describe(`SessionStore conformance: ${backend.name}`, () => {
    test('a new store holds no session and no retained message', async () => {
      const { store } = await backend.create();
      assert.deepEqual(await store.loadSessions(), []);
      assert.equal(store.retained.count(), 0);
    });

    test('a saved session comes back whole after a reopen: subscriptions, in-flight packet ids and states, queue order, QoS 2 ids, will, Buffers', async () => {
      const { store, reopen } = await backend.create();
      store.saveSession(sessionState('c1'));
      await store.flush();
      const [loaded] = await (await reopen()).loadSessions();
      assert.deepEqual(loaded, sessionState('c1'));
      assert.ok(Buffer.isBuffer(loaded!.queue[0]!.message.payload));
      assert.ok(Buffer.isBuffer(loaded!.queue[0]!.message.properties.correlationData));
      assert.deepEqual(Object.keys(loaded!.queue[0]!.message.properties.userProperties!), ['z', 'a']); // user properties in order
    });

    test('saving again replaces the stored state (an acknowledged delivery is gone)', async () => {
      const { store, reopen } = await backend.create();
      const state = sessionState('c2');
      store.saveSession(state);
      store.saveSession({ ...state, inFlight: state.inFlight.slice(1), subscriptions: [], incomingQos2: [] });
      await store.flush();
      const [loaded] = await (await reopen()).loadSessions();
      assert.deepEqual(loaded!.inFlight.map((entry) => entry.packetId), [5]);
      assert.deepEqual(loaded!.subscriptions, []);
      assert.deepEqual(loaded!.incomingQos2, []);
    });

    test('sessions are independent; a removed one is forgotten, removing an unknown one is harmless', async () => {
      const { store, reopen } = await backend.create();
      for (const clientId of ['x', 'y', 'z']) store.saveSession(sessionState(clientId));
      store.removeSession('y');
      store.removeSession('never-stored');
      await store.flush();
      const loaded = await (await reopen()).loadSessions();
      assert.deepEqual(loaded.map((state) => state.clientId).sort(), ['x', 'z']);
    });

    test('[MQTT-3.3.1-5] one retained message per topic, the last one kept, after a reopen too', async () => {
      const { store, reopen } = await backend.create();
      store.retained.put(message('r/1', 'old', { retain: true }));
      store.retained.put(message('r/1', 'new', { retain: true }));
      store.retained.put(message('r/2/deep', 'deep', { retain: true }));
      await store.flush();
      const again = await reopen();
      assert.equal(again.retained.count(), 2);
      assert.deepEqual(again.retained.match('r/1', Date.now()).map((m) => m.payload.toString()), ['new']);
      assert.deepEqual(again.retained.match('r/#', Date.now()).map((m) => m.topic).sort(), ['r/1', 'r/2/deep']);
      assert.deepEqual(again.retained.match('r/+', Date.now()).map((m) => m.topic), ['r/1']);
    });

    test('[MQTT-3.3.1-6, 3.3.1-7] an empty payload clears the topic, after a reopen too', async () => {
      const { store, reopen } = await backend.create();
      store.retained.put(message('c/1', 'kept', { retain: true }));
      store.retained.put(message('c/1', '', { retain: true, qos: 0 }));
      store.retained.put(message('c/never', '', { retain: true }));
      await store.flush();
      const again = await reopen();
      assert.equal(again.retained.count(), 0);
      assert.deepEqual(again.retained.match('#', Date.now()), []);
    });

    test('[MQTT-3.3.2-5] an expired retained message is not matched; [MQTT-4.7.2-1] `#` does not reach `$` topics', async () => {
      const { store } = await backend.create();
      const now = Date.now();
      store.retained.put(message('e/old', 'expired', { retain: true, expiresAt: now - 1 }));
      store.retained.put(message('e/live', 'live', { retain: true, expiresAt: now + 60_000 }));
      store.retained.put(message('$SYS/x', 'system', { retain: true }));
      assert.deepEqual(store.retained.match('#', now).map((m) => m.topic), ['e/live']);
      assert.deepEqual(store.retained.match('$SYS/#', now).map((m) => m.topic), ['$SYS/x']);
    });
  });
}
