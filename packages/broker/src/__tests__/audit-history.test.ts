/**
 * Issue 13, history and undo, on a real broker with a real SQLite file and real mqtt.js clients:
 * audit entries carry what changed (before → after, never a secret), undoAuditEntry sets a
 * session change back (and refuses when it cannot), an unbanned client connects again, and each
 * session's connects, disconnects and refusals are stored, bounded, and removed with it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, UNDO_WINDOW_MS, type AuditChange } from '@mqdash/contracts';
import type { SqliteStore } from '../store/sqlite-store.ts';
import { SESSION_EVENTS_KEPT } from '../store/migrations/2026-12-03-session-events.ts';
import { closed, startBroker, waitFor, type TestBroker } from './helpers.ts';

let tb: TestBroker;
before(async () => {
  tb = await startBroker();
});
after(() => tb.close());

type Entry = { id: number; action: string; target: string | null; errorCode: number; details: { changes?: AuditChange[]; undoOf?: number } };
const entries = async (target: string): Promise<Entry[]> => (await tb.ok('listAuditLog', { target, maxRecords: 100 })).data;
const latest = async (target: string, action: string): Promise<Entry> => {
  const e = (await entries(target)).find((x) => x.action === action);
  assert.ok(e, `an audit entry ${action} on ${target}`);
  return e;
};
const changeOf = (e: Entry, field: string) => e.details.changes?.find((c) => c.field === field);

describe('audit entries say what changed', () => {
  test('alterMqSession records each changed field before → after, and nothing that did not change', async () => {
    await tb.ok('createMqApiSession', { clientName: 'diff-1' });
    await tb.ok('alterMqSession', { clientName: 'diff-1', sessionStatus: 'hidden', maxHealthySendRatePerMinute: 500, label: { group: 'site', name: 'north' } });
    const e = await latest('diff-1', 'alterMqSession');
    assert.deepEqual(changeOf(e, 'sessionStatus'), { field: 'sessionStatus', before: 'normal', after: 'hidden' });
    assert.deepEqual(changeOf(e, 'maxHealthySendRatePerMinute'), { field: 'maxHealthySendRatePerMinute', before: 0, after: 500 });
    assert.deepEqual(changeOf(e, 'label'), { field: 'label', before: null, after: { group: 'site', name: 'north' } });
    assert.deepEqual(e.details.changes!.map((c) => c.field).sort(), ['label', 'maxHealthySendRatePerMinute', 'sessionStatus']);
    // A property given with the value it already has is no change.
    await tb.ok('alterMqSession', { clientName: 'diff-1', sessionStatus: 'hidden', minHealthySendRatePerMinute: 5 });
    assert.deepEqual((await latest('diff-1', 'alterMqSession')).details.changes, [{ field: 'minHealthySendRatePerMinute', before: 0, after: 5 }]);
  });

  test('an MQTT account change records enabled and description, and a new password only as changed', async () => {
    await tb.ok('createMqttUser', { username: 'diff-user', password: 'first-password-1', description: 'line 1' });
    await tb.ok('alterMqttUser', { username: 'diff-user', password: 'second-password-2', enabled: false, description: 'line 2' });
    const e = await latest('mqttuser:diff-user', 'alterMqttUser');
    assert.deepEqual(changeOf(e, 'enabled'), { field: 'enabled', before: true, after: false });
    assert.deepEqual(changeOf(e, 'description'), { field: 'description', before: 'line 1', after: 'line 2' });
    assert.deepEqual(changeOf(e, 'password'), { field: 'password', secret: true });
    const text = JSON.stringify(await tb.ok('listAuditLog', { maxRecords: 1000 }));
    assert.ok(!text.includes('second-password-2') && !text.includes('first-password-1'), 'no password in the audit log');
  });

  test('labels, API keys, anonymous access and the retention policy record their changes', async () => {
    const label = await tb.ok('createLabel', { group: 'g', name: 'old-name' });
    await tb.ok('alterLabel', { id: label.id, newName: 'new-name', deprecated: true });
    const l = await latest(`label:${label.id}`, 'alterLabel');
    assert.deepEqual(changeOf(l, 'name'), { field: 'name', before: 'old-name', after: 'new-name' });
    assert.deepEqual(changeOf(l, 'deprecated'), { field: 'deprecated', before: false, after: true });

    await tb.ok('createApiKey', { name: 'diff-key', role: 'viewer' });
    await tb.ok('alterApiKey', { name: 'diff-key', role: 'operator' });
    assert.deepEqual(changeOf(await latest('apikey:diff-key', 'alterApiKey'), 'role'), { field: 'role', before: 'viewer', after: 'operator' });

    await tb.ok('alterMqttAuthSettings', { allowAnonymous: false });
    await tb.ok('alterMqttAuthSettings', { allowAnonymous: true });
    assert.deepEqual(changeOf(await latest('mqtt-auth', 'alterMqttAuthSettings'), 'allowAnonymous'), { field: 'allowAnonymous', before: false, after: true });

    await tb.ok('alterRetentionPolicy', { sessionsNotConnectedForDays: 7 });
    assert.deepEqual(changeOf(await latest('retention', 'alterRetentionPolicy'), 'sessionsNotConnectedForDays'), { field: 'sessionsNotConnectedForDays', before: 30, after: 7 });
  });
});

describe('undoAuditEntry', () => {
  test('a ban is undone from its recorded before-value, audited, and the client connects again', async () => {
    const c = await tb.connect({ clientId: 'undo-dev', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 } });
    await tb.ok('alterMqSession', { clientName: 'undo-dev', sessionStatus: 'banned' });
    const ban = await latest('undo-dev', 'alterMqSession');
    await tb.ok('disconnectMqSession', { clientName: 'undo-dev' });
    await closed(c);
    c.end(true);
    const refused = await tb.connectRefused({ clientId: 'undo-dev', protocolVersion: 5 });
    assert.equal(refused.code, 0x8a, 'banned while the ban holds');

    const r = await tb.ok('undoAuditEntry', { auditId: ban.id });
    assert.equal(r.clientName, 'undo-dev');
    assert.deepEqual(r.restored, [{ field: 'sessionStatus', before: 'banned', after: 'normal' }]);
    assert.equal((await tb.describe('undo-dev')).sessionStatus, 'normal');
    const undo = await latest('undo-dev', 'undoAuditEntry');
    assert.equal(undo.errorCode, 0);
    assert.equal(undo.details.undoOf, ban.id);
    assert.deepEqual(undo.details.changes, [{ field: 'sessionStatus', before: 'banned', after: 'normal' }]);

    const again = await tb.connect({ clientId: 'undo-dev', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 } });
    assert.equal(again.connack.reasonCode ?? 0, 0, 'the unbanned client is accepted');
    again.end(true);

    const twice = await tb.act('undoAuditEntry', { auditId: ban.id });
    assert.equal(twice.errorCode, ErrorCode.undoRefused);
    assert.match(twice.errorMessage, /already undone by admin/);
  });

  test('refuses when the session changed since, leaving it as it is', async () => {
    await tb.ok('createMqApiSession', { clientName: 'undo-changed' });
    await tb.ok('alterMqSession', { clientName: 'undo-changed', sessionStatus: 'hidden' });
    const hide = await latest('undo-changed', 'alterMqSession');
    await tb.ok('alterMqSession', { clientName: 'undo-changed', sessionStatus: 'inactive' });
    const r = await tb.act('undoAuditEntry', { auditId: hide.id });
    assert.equal(r.errorCode, ErrorCode.undoRefused);
    assert.match(r.errorMessage, /the session changed since: sessionStatus is now "inactive", not "hidden"/);
    assert.equal((await tb.describe('undo-changed')).sessionStatus, 'inactive');
    const failed = await latest('undo-changed', 'undoAuditEntry');
    assert.equal(failed.errorCode, ErrorCode.undoRefused, 'the refusal is audited');
  });

  test('refuses after the undo window, for other actions, for failed changes and for unknown ids', async () => {
    await tb.ok('createMqApiSession', { clientName: 'undo-old' });
    await tb.ok('alterMqSession', { clientName: 'undo-old', sessionStatus: 'inactive' });
    const old = await latest('undo-old', 'alterMqSession');
    (tb.broker.store as SqliteStore).db.prepare('UPDATE audit_log SET ts = ts - ? WHERE id = ?').run(UNDO_WINDOW_MS + 60_000, old.id);
    const late = await tb.act('undoAuditEntry', { auditId: old.id });
    assert.equal(late.errorCode, ErrorCode.undoRefused);
    assert.match(late.errorMessage, /undo is possible for 10 minutes after a change, and this one is 11 minutes old/);
    assert.equal((await tb.describe('undo-old')).sessionStatus, 'inactive');

    const key = await latest('apikey:diff-key', 'createApiKey');
    const other = await tb.act('undoAuditEntry', { auditId: key.id });
    assert.equal(other.errorCode, ErrorCode.undoRefused);
    assert.match(other.errorMessage, /only session changes \(alterMqSession\) can be undone/);

    assert.equal((await tb.act('alterMqSession', { clientName: 'undo-old', keepAliveSeconds: -1 })).errorCode, ErrorCode.outOfLimits);
    const failedAlter = (await entries('undo-old')).find((e) => e.action === 'alterMqSession' && e.errorCode !== 0)!;
    assert.match((await tb.act('undoAuditEntry', { auditId: failedAlter.id })).errorMessage, /that change failed/);

    const unknown = await tb.act('undoAuditEntry', { auditId: 987654321 });
    assert.equal(unknown.errorCode, ErrorCode.unknownAuditEntry);
    assert.equal(unknown.errorData?.property, 'params.auditId');
    assert.equal((await tb.act('undoAuditEntry', { auditId: 'x' })).errorCode, ErrorCode.wrongType);
  });
});

describe('the session timeline', () => {
  test('connects, disconnects and refusals are stored, newest first', async () => {
    const c = await tb.connect({ clientId: 'timeline-dev', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 } });
    c.end();
    await closed(c);
    await tb.ok('alterMqSession', { clientName: 'timeline-dev', sessionStatus: 'banned' });
    await tb.connectRefused({ clientId: 'timeline-dev', protocolVersion: 5 });
    const events = await waitFor(async () => {
      const d = (await tb.ok('listSessionEvents', { clientName: 'timeline-dev' })).data as Array<{ type: string; details: Record<string, unknown>; ts: string }>;
      return d.length >= 3 ? d : undefined;
    }, 5000, 'three timeline events');
    assert.deepEqual(events.map((e) => e.type), ['refused', 'disconnect', 'connect']);
    assert.equal(events[0]!.details.reason, 'session is banned');
    assert.equal(events[2]!.details.mqttProtocol, '5.0');
    assert.ok(Date.parse(events[0]!.ts) >= Date.parse(events[2]!.ts));
  });

  test('bounded per session, and removed with the session', async () => {
    const store = tb.broker.store;
    await tb.ok('createMqApiSession', { clientName: 'timeline-many' });
    for (let i = 0; i < SESSION_EVENTS_KEPT + 25; i++) store.appendSessionEvent({ clientName: 'timeline-many', ts: i, type: 'disconnect', details: { reason: `n${i}` } });
    const kept = store.sessionEvents('timeline-many', 1000);
    assert.equal(kept.length, SESSION_EVENTS_KEPT);
    assert.equal(kept[0]!.details.reason, `n${SESSION_EVENTS_KEPT + 24}`);
    assert.equal(kept.at(-1)!.details.reason, 'n25');
    await tb.ok('deleteMqSession', { clientName: 'timeline-many', permanentlyDeleteSession: true });
    assert.equal(store.sessionEvents('timeline-many', 10).length, 0);
    assert.deepEqual(await tb.ok('listSessionEvents', { clientName: 'timeline-many' }), { data: [] }, 'a removed session has no timeline');
  });

  test('a refused name without a session leaves no events', async () => {
    await tb.ok('alterMqttAuthSettings', { allowAnonymous: false });
    await tb.connectRefused({ clientId: 'no-session-here', protocolVersion: 5 });
    await tb.ok('alterMqttAuthSettings', { allowAnonymous: true });
    assert.equal(tb.broker.store.sessionEvents('no-session-here', 10).length, 0);
  });
});
