/**
 * API keys of the EMQX-compatible API (DESIGN §2, §4): createApiKey/listApiKeys/alterApiKey/
 * deleteApiKey against a real broker on a real SQLite file; the verifier and its cache; the
 * in-process principal; API_KEY_BOOTSTRAP_FILE applied at every start.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { ErrorCode } from '@mqdash/contracts';
import { ApiKeys, VERIFIED_CACHE_MS, createBroker, parseApiKeyBootstrap, type Broker } from '../index.ts';
import { hashPassword } from '../auth/password.ts';

const ADMIN_PASSWORD = 'api-keys-test-password';
const quiet = pino({ level: 'silent' });
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mqdash-apikeys-'));

async function login(broker: Broker): Promise<string> {
  const r = await broker.actions.run({ action: 'createSession', params: { username: 'admin', password: ADMIN_PASSWORD } });
  assert.equal(r.errorCode, 0, r.errorMessage);
  return r.authToken!;
}

describe('API key actions', () => {
  let dir: string;
  let broker: Broker;
  let token: string;
  const run = (action: string, params: Record<string, unknown> = {}) => broker.actions.run({ action, params, authToken: token });
  const ok = async (action: string, params: Record<string, unknown> = {}) => {
    const r = await run(action, params);
    assert.equal(r.errorCode, 0, `${action}: ${r.errorMessage}`);
    return r.result as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  before(async () => {
    dir = tempDir();
    broker = await createBroker({ dataDir: dir, adminPassword: ADMIN_PASSWORD, logger: quiet });
    token = await login(broker);
  });
  after(async () => {
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('createApiKey returns the secret once; listApiKeys never shows it; the pair verifies', async () => {
    const created = await ok('createApiKey', { name: 'ops-tool', description: 'nightly report' });
    assert.equal(created.name, 'ops-tool');
    assert.match(created.apiKey, /^[0-9a-f]{24}$/);
    assert.ok(created.apiSecret.length >= 40, 'a long random secret');
    assert.equal(created.enabled, true);
    assert.equal(created.description, 'nightly report');
    assert.equal(created.source, 'dashboard');
    assert.equal(created.createdBy, 'admin');
    assert.equal(created.expired, false);
    assert.ok(!Number.isNaN(Date.parse(created.createdDateTime)));

    const listed = (await ok('listApiKeys')).data.find((k: { name: string }) => k.name === 'ops-tool');
    assert.equal(listed.apiKey, created.apiKey);
    assert.equal('apiSecret' in listed, false, 'the secret is shown only by createApiKey');
    assert.equal(JSON.stringify(listed).includes(created.apiSecret), false);

    const stored = broker.apiKeys.store.get('ops-tool')!;
    assert.match(stored.secretHash, /^scrypt\$/, 'stored as a scrypt hash');
    assert.equal(stored.secretHash.includes(created.apiSecret), false);

    assert.equal(await broker.apiKeys.verify(created.apiKey, created.apiSecret), 'ops-tool');
    assert.equal(await broker.apiKeys.verify(created.apiKey, `${created.apiSecret}x`), null);
    assert.equal(await broker.apiKeys.verify('unknown-key', created.apiSecret), null);
    assert.ok((await ok('listApiKeys')).data.find((k: { name: string }) => k.name === 'ops-tool').lastUsedDateTime, 'use is recorded');

    const audit = broker.core.audit.recent(10, 'apikey:ops-tool');
    assert.equal(audit[0]?.action, 'createApiKey');
    assert.equal(audit[0]?.actor, 'admin');
    assert.equal(JSON.stringify(audit).includes(created.apiSecret), false, 'the audit log never holds the secret');
  });

  test('a disabled key is refused at once, even right after a cached verification; enabling restores it', async () => {
    const k = await ok('createApiKey', { name: 'toggle' });
    assert.equal(await broker.apiKeys.verify(k.apiKey, k.apiSecret), 'toggle');
    const off = await ok('alterApiKey', { name: 'toggle', enabled: false });
    assert.equal(off.enabled, false);
    assert.equal(await broker.apiKeys.verify(k.apiKey, k.apiSecret), null);
    const on = await ok('alterApiKey', { name: 'toggle', enabled: true, description: 'back' });
    assert.equal(on.enabled, true);
    assert.equal(on.description, 'back');
    assert.equal(await broker.apiKeys.verify(k.apiKey, k.apiSecret), 'toggle');
    const audit = broker.core.audit.recent(10, 'apikey:toggle').map((e) => e.action);
    assert.deepEqual(audit, ['alterApiKey', 'alterApiKey', 'createApiKey']);
  });

  test('a deleted key is refused at once and its name can be used again', async () => {
    const k = await ok('createApiKey', { name: 'short-lived' });
    assert.equal(await broker.apiKeys.verify(k.apiKey, k.apiSecret), 'short-lived');
    assert.deepEqual(await ok('deleteApiKey', { name: 'short-lived' }), { name: 'short-lived', deleted: true });
    assert.equal(await broker.apiKeys.verify(k.apiKey, k.apiSecret), null);
    assert.equal((await ok('listApiKeys')).data.some((x: { name: string }) => x.name === 'short-lived'), false);
    const again = await ok('createApiKey', { name: 'short-lived' });
    assert.notEqual(again.apiKey, k.apiKey);
  });

  test('bad requests name the property and change nothing', async () => {
    await ok('createApiKey', { name: 'taken' });
    const before = (await ok('listApiKeys')).data.length;
    const dup = await run('createApiKey', { name: 'taken' });
    assert.equal(dup.errorCode, ErrorCode.nameInUse);
    assert.match(dup.errorMessage, /params\.name/);
    const badName = await run('createApiKey', { name: 'has space' });
    assert.equal(badName.errorCode, ErrorCode.outOfLimits);
    assert.match(badName.errorMessage, /params\.name/);
    const missing = await run('createApiKey', {});
    assert.equal(missing.errorCode, ErrorCode.missingProperty);
    const past = await run('createApiKey', { name: 'past', expiresAt: '2001-01-01T00:00:00Z' });
    assert.equal(past.errorCode, ErrorCode.outOfLimits);
    assert.match(past.errorMessage, /params\.expiresAt: must be in the future/);
    const badDate = await run('createApiKey', { name: 'baddate', expiresAt: 'tomorrow' });
    assert.equal(badDate.errorCode, ErrorCode.outOfLimits);
    const wrongType = await run('alterApiKey', { name: 'taken', enabled: 'no' });
    assert.equal(wrongType.errorCode, ErrorCode.wrongType);
    assert.match(wrongType.errorMessage, /params\.enabled/);
    assert.equal((await run('alterApiKey', { name: 'nope', enabled: false })).errorCode, ErrorCode.unknownApiKey);
    assert.equal((await run('deleteApiKey', { name: 'nope' })).errorCode, ErrorCode.unknownApiKey);
    assert.equal((await ok('listApiKeys')).data.length, before);
    assert.equal(broker.apiKeys.get('taken')!.enabled, true);
  });

  test('every API key action needs an authToken', async () => {
    const r = await broker.actions.run({ action: 'listApiKeys', params: {} });
    assert.equal(r.errorCode, ErrorCode.invalidAuthToken);
  });

  test('expiresAt: the key works until then, is refused after, and is listed as expired', async () => {
    const k = await ok('createApiKey', { name: 'expiring', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    assert.ok(k.expiresAt);
    let now = Date.now();
    const clock = new ApiKeys(broker.apiKeys.store, () => now);
    assert.equal(await clock.verify(k.apiKey, k.apiSecret), 'expiring');
    now += 61_000;
    assert.equal(await clock.verify(k.apiKey, k.apiSecret), null, 'refused after expiresAt, cached or not');
    assert.equal(clock.info(clock.get('expiring')!).expired, true);
  });

  test('verified pairs are cached for VERIFIED_CACHE_MS, then checked against the store again', async () => {
    const k = await ok('createApiKey', { name: 'cached' });
    let now = Date.now();
    const keys = new ApiKeys(broker.apiKeys.store, () => now);
    assert.equal(await keys.verify(k.apiKey, k.apiSecret), 'cached');
    // The stored hash changes behind the cache's back (another process): the cache still answers…
    const row = keys.store.get('cached')!;
    keys.store.update({ ...row, secretHash: await hashPassword('another secret'), updatedAt: now });
    now += VERIFIED_CACHE_MS - 1000;
    assert.equal(await keys.verify(k.apiKey, k.apiSecret), 'cached', 'answered from the cache');
    // …until the pair's cache entry runs out.
    now += 2000;
    assert.equal(await keys.verify(k.apiKey, k.apiSecret), null);
    assert.equal(await keys.verify(k.apiKey, 'another secret'), 'cached');
  });

  test('a trusted in-process caller runs actions as a principal (source emqx only), audited under that name', async () => {
    const asKey = { source: 'emqx' as const, principal: 'apikey:robot', principalRole: 'operator' as const };
    const label = await broker.actions.run({ action: 'createLabel', params: { group: 'g', name: 'by-robot' } }, asKey);
    assert.equal(label.errorCode, 0, label.errorMessage);
    const entry = broker.core.audit.recent(5).find((e) => e.action === 'createLabel');
    assert.equal(entry?.actor, 'apikey:robot');
    assert.equal(entry?.details.source, 'emqx');

    const viaApi = await broker.actions.run({ action: 'listMqSessions', params: {} }, { source: 'api', principal: 'apikey:robot' });
    assert.equal(viaApi.errorCode, ErrorCode.invalidAuthToken, 'a principal is honoured only for the EMQX router');

    const keyMakesKey = await broker.actions.run({ action: 'createApiKey', params: { name: 'escalate' } }, asKey);
    assert.equal(keyMakesKey.errorCode, ErrorCode.notPermitted, 'an API key cannot manage API keys');
    assert.equal(broker.apiKeys.get('escalate'), undefined);
  });
});

describe('API_KEY_BOOTSTRAP_FILE', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const setup = () => {
    const dir = tempDir();
    dirs.push(dir);
    return { dir, file: path.join(dir, 'api-keys.txt') };
  };
  const start = (dir: string, file: string) => createBroker({ dataDir: dir, adminPassword: ADMIN_PASSWORD, logger: quiet, apiKeyBootstrapFile: file });

  test('parses key:secret lines at the first colon, ignoring blanks and # comments', () => {
    const entries = parseApiKeyBootstrap('# tools\r\n\r\napp_id:app_secret\n  ci-bot : s3cr:et:with:colons  \n#off:line\n', 'f');
    assert.deepEqual(entries, [
      { line: 3, apiKey: 'app_id', secret: 'app_secret' },
      { line: 4, apiKey: 'ci-bot', secret: 's3cr:et:with:colons' },
    ]);
    assert.throws(() => parseApiKeyBootstrap('a:b\nno-colon-here\n', 'keys.txt'), /keys\.txt line 2: expected key:secret/);
    assert.throws(() => parseApiKeyBootstrap('a:\n', 'f'), /line 1: the secret is empty/);
    assert.throws(() => parseApiKeyBootstrap('bad key:x\n', 'f'), /line 1: the key must be letters/);
    assert.throws(() => parseApiKeyBootstrap('a:1\na:2\n', 'f'), /line 2: the key "a" appears twice/);
  });

  test('applied at every start: missing keys created, secrets updated, enabled state kept', async () => {
    const { dir, file } = setup();
    fs.writeFileSync(file, '# EMQX tooling\napp_id:app_secret\n\nci-bot:first:secret\n');
    let broker = await start(dir, file);
    try {
      assert.equal(await broker.apiKeys.verify('app_id', 'app_secret'), 'app_id');
      assert.equal(await broker.apiKeys.verify('ci-bot', 'first:secret'), 'ci-bot', 'split at the first colon');
      const token = await login(broker);
      const listed = (await broker.actions.run({ action: 'listApiKeys', params: {}, authToken: token })).result as { data: Array<{ name: string; source: string; createdBy: string | null }> };
      assert.deepEqual(listed.data.map((k) => [k.name, k.source, k.createdBy]), [['app_id', 'bootstrapFile', null], ['ci-bot', 'bootstrapFile', null]]);
      assert.equal(broker.core.audit.recent(5, 'apikey:app_id')[0]?.actor, 'API_KEY_BOOTSTRAP_FILE');
      // An administrator disables one in the dashboard.
      const off = await broker.actions.run({ action: 'alterApiKey', params: { name: 'ci-bot', enabled: false }, authToken: token });
      assert.equal(off.errorCode, 0);
    } finally {
      await broker.close();
    }

    fs.writeFileSync(file, 'app_id:rotated-secret\nci-bot:first:secret\nnew-tool:fresh\n');
    broker = await start(dir, file);
    try {
      assert.equal(await broker.apiKeys.verify('app_id', 'app_secret'), null, 'the old secret no longer works');
      assert.equal(await broker.apiKeys.verify('app_id', 'rotated-secret'), 'app_id', 'the secret was updated');
      assert.equal(await broker.apiKeys.verify('new-tool', 'fresh'), 'new-tool', 'a new line creates a key');
      assert.equal(broker.apiKeys.get('ci-bot')!.enabled, false, 'a key disabled in the dashboard stays disabled');
      assert.equal(await broker.apiKeys.verify('ci-bot', 'first:secret'), null);
    } finally {
      await broker.close();
    }

    fs.writeFileSync(file, 'new-tool:fresh\n');
    broker = await start(dir, file);
    try {
      assert.equal(await broker.apiKeys.verify('app_id', 'rotated-secret'), 'app_id', 'keys removed from the file are kept');
    } finally {
      await broker.close();
    }
  });

  test('a bad or missing file stops the start with a message naming the line, never the secret', async () => {
    const { dir, file } = setup();
    fs.writeFileSync(file, 'good:very-secret-value\n\nthis line has no colon\n');
    await assert.rejects(start(dir, file), (err: Error) => {
      assert.match(err.message, /API_KEY_BOOTSTRAP_FILE .*api-keys\.txt line 3: expected key:secret/);
      assert.equal(err.message.includes('very-secret-value'), false);
      return true;
    });
    await assert.rejects(start(dir, path.join(dir, 'missing.txt')), /cannot read API_KEY_BOOTSTRAP_FILE .*missing\.txt/);
  });
});
