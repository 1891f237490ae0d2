import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEvent, FeedEvent } from '@mqdash/contracts';
import { mergeActivity } from '../lib/activity.ts';

test('audit history and live events merge newest first; an admin action seen both ways shows once', () => {
  const audit: AuditEvent[] = [{ id: 1, ts: '2030-01-01T10:00:01.000Z', actor: 'admin', action: 'alterMqSession', target: 'a', errorCode: 0, role: 'operator', details: { source: 'api', role: 'operator' } }];
  const live: FeedEvent[] = [
    { type: 'connect', ts: '2030-01-01T10:00:02.000Z', clientName: 'a', ipaddress: '127.0.0.1', mqttProtocol: '5.0' },
    { type: 'admin', ts: '2030-01-01T10:00:01.000Z', actor: 'admin', action: 'alterMqSession', target: 'a', errorCode: 0 },
    { type: 'refused', ts: '2030-01-01T10:00:03.000Z', clientName: 'a', reason: 'session is banned' },
  ];
  const items = mergeActivity(audit, live, 10);
  assert.deepEqual(items.map((i) => i.kind), ['refused', 'connect', 'admin']);
  assert.equal(items[1]!.text, 'connected from 127.0.0.1 with MQTT 5.0');
  assert.equal(items[2]!.text, 'changed the session');
  assert.equal(items[2]!.verb, 'changed');
  assert.equal(items[2]!.via, 'JSON API', 'the audit log says where it came from');
  assert.equal(items[2]!.actor, 'admin');
  assert.equal(items[2]!.role, 'operator', 'the audit log names the role (issue 12)');
  assert.equal(mergeActivity(audit, live, 2).length, 2);
});
