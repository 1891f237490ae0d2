/**
 * Issue 11 configuration: DATABASE_URL, REDIS_URL and NODE_NAME are checked by the server's config
 * (errors name the variable and never echo the value, which may hold a password), and createBroker
 * refuses the combinations that cannot run. Starting against real services is cluster-processes.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBroker, defaultNodeName } from '@mqdash/broker';
import { loadConfig } from '../config.ts';
import { freePort } from './server-process.ts';

test('without DATABASE_URL, REDIS_URL and NODE_NAME nothing is set', () => {
  const c = loadConfig([], {});
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.redisUrl, undefined);
  assert.equal(c.nodeName, undefined);
  assert.equal(defaultNodeName(1884), `${os.hostname()}:1884`);
});

test('good cluster settings are read from the environment and from flags', () => {
  const env = { DATABASE_URL: 'postgres://u:secret@db.local:5432/mqdash', REDIS_URL: 'redis://cache:6379/0', NODE_NAME: 'node-a' };
  const c = loadConfig([], env);
  assert.equal(c.databaseUrl, env.DATABASE_URL);
  assert.equal(c.redisUrl, env.REDIS_URL);
  assert.equal(c.nodeName, 'node-a');
  const flags = loadConfig(['--database-url', 'postgresql://db/x', '--node-name', 'b:1883'], {});
  assert.equal(flags.databaseUrl, 'postgresql://db/x');
  assert.equal(flags.nodeName, 'b:1883');
  assert.equal(loadConfig([], { DATABASE_URL: 'postgres://db/x', REDIS_URL: 'rediss://cache' }).redisUrl, 'rediss://cache');
});

test('bad cluster settings stop the start with an error naming the variable, without the value', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ DATABASE_URL: 'mysql://u:secret@db/x' }, /DATABASE_URL\): must be a URL starting with postgres:\/\/ or postgresql:\/\//],
    [{ DATABASE_URL: 'not a url secret' }, /DATABASE_URL\): must be a URL/],
    [{ DATABASE_URL: 'postgres://db/x', REDIS_URL: 'http://secret@cache' }, /REDIS_URL\): must be a URL starting with redis:\/\/ or rediss:\/\//],
    [{ REDIS_URL: 'redis://cache' }, /REDIS_URL\): needs DATABASE_URL as well/],
    [{ NODE_NAME: 'node a' }, /NODE_NAME\): must be printable ASCII without spaces/],
    [{ NODE_NAME: 'n'.repeat(129) }, /NODE_NAME\): .*128/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig([], env), (err: Error) => {
      assert.match(err.message, message);
      assert.doesNotMatch(err.message, /secret/, 'the value is not echoed');
      return true;
    }, JSON.stringify(env));
  }
});

test('createBroker refuses REDIS_URL without DATABASE_URL, the aedes engine with DATABASE_URL, and names an unreachable PostgreSQL', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-clu-'));
  try {
    const base = { dataDir, databaseFile: ':memory:', adminPassword: 'pw-cluster-config' };
    await assert.rejects(createBroker({ ...base, redisUrl: 'redis://127.0.0.1:1' }), /REDIS_URL: needs DATABASE_URL as well/);
    await assert.rejects(createBroker({ ...base, databaseUrl: 'postgres://127.0.0.1:1/x', redisUrl: 'redis://127.0.0.1:1', mqtt: { engine: 'aedes' } }),
      /mqtt.engine "aedes" cannot run with REDIS_URL: only the own engine \(mqdash\)/);
    const closedPort = await freePort();
    await assert.rejects(createBroker({ ...base, databaseUrl: `postgres://postgres@127.0.0.1:${closedPort}/x` }), /could not open DATABASE_URL: .*ECONNREFUSED/);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('listNodes without a cluster names this node alone, with its connections; sessions carry no nodeName', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-clu-'));
  const broker = await createBroker({ dataDir, databaseFile: ':memory:', adminPassword: 'pw-cluster-nodes', nodeName: 'solo:1883' });
  try {
    const login = await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: 'pw-cluster-nodes' } });
    const r = await broker.actions.run({ action: 'listNodes', params: {}, authToken: login.authToken });
    assert.equal(r.errorCode, 0, JSON.stringify(r));
    const result = r.result as { nodeName: string; clustered: boolean; data: Array<{ name: string; up: boolean; self: boolean; connections: number; since: string }> };
    assert.equal(result.nodeName, 'solo:1883');
    assert.equal(result.clustered, false);
    assert.deepEqual(result.data.map((n) => [n.name, n.up, n.self, n.connections]), [['solo:1883', true, true, 0]]);
    assert.ok(Date.parse(result.data[0]!.since) <= Date.now());
    assert.equal(broker.cluster, null);
    const bad = await broker.actions.run({ action: 'listNodes', params: { nodes: 1 }, authToken: login.authToken });
    assert.equal(bad.errorCode, 0, 'unknown properties are ignored with a warning, as for every action');
  } finally {
    await broker.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
