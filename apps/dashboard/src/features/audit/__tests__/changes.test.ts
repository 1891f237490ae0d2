import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEvent, FeedEvent, SessionEvent } from '@mqdash/contracts';
import { fromAudit, mergeSessionTimeline } from '../lib/activity.ts';
import { changeLines, fieldLabel } from '../lib/changes.ts';

test('an audit entry\'s changes read as field names in words, old → new; a secret shows no value', () => {
  const lines = changeLines({
    changes: [
      { field: 'sessionStatus', before: 'normal', after: 'banned' },
      { field: 'label', before: null, after: { group: 'site', name: 'north' } },
      { field: 'maxHealthySendRatePerMinute', before: 0, after: 1500 },
      { field: 'enabled', before: true, after: false },
      { field: 'password', secret: true },
      { field: 'willTopic', after: 'dev/gone' },
    ],
  });
  assert.deepEqual(lines.map((l) => `${l.label}: ${l.secret ? 'changed' : `${l.before} → ${l.after}`}`), [
    'Status: Normal → Banned',
    'Label: none → site/north',
    'Highest healthy publish rate (/min): 0 → 1,500',
    'Enabled: Yes → No',
    'Password: changed',
    'Will topic: none → dev/gone',
  ]);
  assert.equal(fieldLabel('someNewField'), 'Some new field');
  assert.deepEqual(changeLines({}), [], 'an entry from before changes were kept has none');
  assert.deepEqual(changeLines({ changes: 'nonsense' }), []);
});

test('fromAudit carries the changes; an undo reads as one', () => {
  const e: AuditEvent = { id: 9, ts: '2030-01-01T10:00:00.000Z', actor: 'otto', action: 'undoAuditEntry', target: 'dev-1', errorCode: 0, details: { source: 'bff', undoOf: 3, changes: [{ field: 'sessionStatus', before: 'banned', after: 'normal' }] } };
  const item = fromAudit(e);
  assert.equal(item.text, 'undid a change of the session');
  assert.equal(item.changes?.[0]?.after, 'Normal');
});

test('a session timeline merges stored events, admin actions and newer live events, newest first, each once', () => {
  const stored: SessionEvent[] = [
    { id: 2, ts: '2030-01-01T10:00:05.000Z', type: 'disconnect', details: { reason: 'client disconnected' } },
    { id: 1, ts: '2030-01-01T10:00:01.000Z', type: 'connect', details: { ipaddress: '127.0.0.1', mqttProtocol: '5.0' } },
  ];
  const audit: AuditEvent[] = [{ id: 7, ts: '2030-01-01T10:00:03.000Z', actor: 'admin', action: 'alterMqSession', target: 'dev-1', errorCode: 0, details: {} }];
  const live: FeedEvent[] = [
    { type: 'refused', ts: '2030-01-01T10:00:09.000Z', clientName: 'dev-1', reason: 'session is banned' },
    // Already stored (the live copy of the stored disconnect): left out.
    { type: 'disconnect', ts: '2030-01-01T10:00:05.000Z', clientName: 'dev-1', reason: 'client disconnected' },
  ];
  const items = mergeSessionTimeline('dev-1', audit, stored, live, 10);
  assert.deepEqual(items.map((i) => `${i.label} ${i.text}`), [
    'Refused connect refused: session is banned',
    'Disconnect disconnected: client disconnected',
    'Admin changed the session',
    'Connect connected from 127.0.0.1 with MQTT 5.0',
  ]);
  assert.equal(mergeSessionTimeline('dev-1', audit, stored, live, 2).length, 2);
});
