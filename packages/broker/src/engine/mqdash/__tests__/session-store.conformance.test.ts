/**
 * The conformance suite of the engine's persistence (`SessionStore`), run against every
 * implementation: what a backend must keep of a session and of retained messages, carried over
 * from what aedes-persistence's abstract suite checks (subscriptions, outgoing queue and packet
 * ids, incoming QoS 2, wills, retained messages with wildcards and expiry), and the per-message
 * operations (one row per queued or in-flight message) with the write-ahead `afterDurable`.
 * `reopen` gives a new store over the same data, as after a restart.
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
import type { SessionMeta, SessionState, SessionStore } from '../persistence.ts';
import { PostgresSessionStore } from '../pg-store.ts';
import { SqliteSessionStore } from '../sqlite-store.ts';
import type { EngineMessage, Subscription } from '../types.ts';

interface Backend {
  name: string;
  /** A new, empty store and a way to reopen it over the same data. */
  create(): Promise<{ store: SessionStore; reopen(): Promise<SessionStore> }>;
  /** Rows the store has written so far, where it can tell. */
  rowsWritten?(store: SessionStore): number;
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
    rowsWritten: (store) => (store as SqliteSessionStore).stats.rows,
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
    rowsWritten: (store) => (store as PostgresSessionStore).stats.rows,
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
      { seq: 1, packetId: 4, state: 'publish', outgoing: { message: message('a/1', 'first'), qos: 1, retain: false, subscriptionIds: [7] } },
      { seq: 2, packetId: 5, state: 'pubrel', outgoing: { message: message('b/x', 'second', { qos: 2 }), qos: 2, retain: false, subscriptionIds: [] } },
    ],
    queue: [
      {
        seq: 3,
        outgoing: {
        message: message('a/2', 'third', {
          expiresAt: 1_700_000_060_000,
          origin: 'publisher',
          properties: { correlationData: Buffer.from([0, 1, 255]), userProperties: { z: 'last', a: ['x', 'y'] }, contentType: 'text/plain' },
        }),
        qos: 1,
        retain: true,
        subscriptionIds: [7],
        },
      },
      { seq: 4, outgoing: { message: message('a/3', 'fourth'), qos: 1, retain: false, subscriptionIds: [] } },
    ],
    incomingQos2: [9, 3],
    will: { message: message('will/t', 'gone', { qos: 1, retain: true }), delaySeconds: 30, expirySeconds: 60 },
  };
}

/** Writes a whole state as the engine does: the meta, then each message as a row of its own. */
function saveState(store: SessionStore, state: SessionState): void {
  const { inFlight, queue, ...meta } = state;
  store.saveSession(meta);
  for (const { seq, outgoing, packetId, state: flight } of inFlight) {
    store.addMessage(state.clientId, { seq, outgoing });
    store.markInFlight(state.clientId, seq, packetId, 'publish');
    if (flight === 'pubrel') store.markInFlight(state.clientId, seq, packetId, 'pubrel');
  }
  for (const entry of queue) store.addMessage(state.clientId, entry);
}

const metaOf = ({ inFlight: _inFlight, queue: _queue, ...meta }: SessionState): SessionMeta => meta;

const durable = (store: SessionStore) => new Promise<void>((resolve, reject) => store.afterDurable((error) => (error ? reject(error) : resolve())));

for (const backend of backends) {
  describe(`SessionStore conformance: ${backend.name}`, () => {
    test('a new store holds no session and no retained message', async () => {
      const { store } = await backend.create();
      assert.deepEqual(await store.loadSessions(), []);
      assert.equal(store.retained.count(), 0);
    });

    test('a saved session comes back whole after a reopen: subscriptions, in-flight packet ids and states, queue order, QoS 2 ids, will, Buffers', async () => {
      const { store, reopen } = await backend.create();
      saveState(store, sessionState('c1'));
      await store.flush();
      const [loaded] = await (await reopen()).loadSessions();
      assert.deepEqual(loaded, sessionState('c1'));
      assert.ok(Buffer.isBuffer(loaded!.queue[0]!.outgoing.message.payload));
      assert.ok(Buffer.isBuffer(loaded!.queue[0]!.outgoing.message.properties.correlationData));
      assert.deepEqual(Object.keys(loaded!.queue[0]!.outgoing.message.properties.userProperties!), ['z', 'a']); // user properties in order
    });

    test('saving the meta again replaces it and leaves the messages alone', async () => {
      const { store, reopen } = await backend.create();
      const state = sessionState('c2');
      saveState(store, state);
      store.saveSession({ ...metaOf(state), subscriptions: [], incomingQos2: [], expiryInterval: 9 });
      await store.flush();
      const [loaded] = await (await reopen()).loadSessions();
      assert.deepEqual(loaded!.subscriptions, []);
      assert.deepEqual(loaded!.incomingQos2, []);
      assert.equal(loaded!.expiryInterval, 9);
      assert.deepEqual(loaded!.inFlight, state.inFlight);
      assert.deepEqual(loaded!.queue, state.queue);
    });

    test('per message: an acknowledged delivery is gone, a sent one is in flight, PUBREL recorded, the rest keep their order', async () => {
      const { store, reopen } = await backend.create();
      const state = sessionState('c3');
      saveState(store, state);
      await store.flush();
      store.removeMessage('c3', 1); // PUBACK of packet 4
      store.markInFlight('c3', 3, 6, 'publish'); // the first queued one sent as packet 6
      store.markInFlight('c3', 3, 6, 'pubrel');
      store.removeMessage('c3', 99); // unknown: harmless
      await store.flush();
      const [loaded] = await (await reopen()).loadSessions();
      assert.deepEqual(
        loaded!.inFlight.map((entry) => [entry.seq, entry.packetId, entry.state]),
        [
          [2, 5, 'pubrel'],
          [3, 6, 'pubrel'],
        ],
      );
      assert.deepEqual(loaded!.queue.map((entry) => entry.seq), [4]);
      assert.deepEqual(loaded!.inFlight[1]!.outgoing, state.queue[0]!.outgoing);
    });

    test('a message queued and completed before the next write is not stored; one added after is', async () => {
      const { store, reopen } = await backend.create();
      const { inFlight: _inFlight, queue, ...meta } = sessionState('c4');
      store.saveSession(meta);
      store.addMessage('c4', queue[0]!);
      store.markInFlight('c4', queue[0]!.seq, 1, 'publish');
      store.removeMessage('c4', queue[0]!.seq);
      store.addMessage('c4', queue[1]!);
      await store.flush();
      const [loaded] = await (await reopen()).loadSessions();
      assert.deepEqual(loaded!.inFlight, []);
      assert.deepEqual(loaded!.queue, [queue[1]]);
    });

    test('write-ahead: once afterDurable calls back, what was written before it is there after a reopen', async () => {
      const { store, reopen } = await backend.create();
      const { inFlight: _inFlight, queue, ...meta } = sessionState('c5');
      store.saveSession(meta);
      store.addMessage('c5', queue[0]!);
      store.retained.put(message('wal/r', 'retained', { retain: true }));
      const order: string[] = [];
      const first = durable(store).then(() => order.push('first'));
      store.addMessage('c5', queue[1]!);
      const second = durable(store).then(() => order.push('second'));
      await Promise.all([first, second]);
      assert.deepEqual(order, ['first', 'second'], 'callbacks in the order they were asked for');
      const again = await reopen(); // no flush or close: only what afterDurable promised
      const [loaded] = await again.loadSessions();
      assert.deepEqual(loaded!.queue, queue);
      assert.deepEqual(again.retained.match('wal/r', Date.now()).map((m) => m.payload.toString()), ['retained']);
    });

    test('queueing the 1001st message adds one row and rewrites none of the 1000 before it', async (t) => {
      const { store, reopen } = await backend.create();
      const { inFlight: _inFlight, queue: _queue, ...meta } = sessionState('c6');
      store.saveSession(meta);
      const outgoing = (i: number) => ({ message: message('bulk/t', `m${i}`), qos: 1 as const, retain: false, subscriptionIds: [] });
      for (let i = 1; i <= 1000; i++) store.addMessage('c6', { seq: i, outgoing: outgoing(i) });
      await store.flush();
      const before = backend.rowsWritten?.(store);
      store.saveSession(meta); // the engine saves the meta on every change: unchanged, so not written
      store.addMessage('c6', { seq: 1001, outgoing: outgoing(1001) });
      await store.flush();
      const [loaded] = await (await reopen()).loadSessions();
      assert.equal(loaded!.queue.length, 1001);
      assert.equal(loaded!.queue[1000]!.outgoing.message.payload.toString(), 'm1001');
      if (before === undefined) return t.diagnostic('this store cannot count its writes');
      assert.equal(backend.rowsWritten!(store) - before, 1);
    });

    test('sessions are independent; a removed one is forgotten, removing an unknown one is harmless', async () => {
      const { store, reopen } = await backend.create();
      for (const clientId of ['x', 'y', 'z']) saveState(store, sessionState(clientId));
      await store.flush();
      store.removeSession('y');
      store.removeSession('never-stored');
      // z starts over after its removal: only the new session's state is kept
      store.removeSession('z');
      const { inFlight: _inFlight, queue, ...meta } = sessionState('z');
      store.saveSession({ ...meta, subscriptions: [] });
      store.addMessage('z', { ...queue[1]!, seq: 1 });
      await store.flush();
      const loaded = await (await reopen()).loadSessions();
      assert.deepEqual(loaded.map((state) => state.clientId).sort(), ['x', 'z']);
      const z = loaded.find((state) => state.clientId === 'z')!;
      assert.deepEqual(z.subscriptions, []);
      assert.deepEqual(z.inFlight, []);
      assert.deepEqual(z.queue, [{ ...queue[1]!, seq: 1 }]);
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
