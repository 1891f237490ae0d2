import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRetentionPolicy } from '@mqdash/contracts';
import { retentionCountsText as countsText } from '../../../lib/retention-text';
import { parseForm, toForm } from '../lib/retention-form';

test('the form round-trips the policy and checks it with the server\'s schema', () => {
  assert.deepEqual(parseForm(toForm(defaultRetentionPolicy)), { policy: defaultRetentionPolicy });
  const form = { ...toForm(defaultRetentionPolicy), sessionsNotConnectedForDays: ' 7 ', auditLogMaxEntries: '0' };
  assert.deepEqual(parseForm(form).policy, { ...defaultRetentionPolicy, sessionsNotConnectedForDays: 7, auditLogMaxEntries: 0 });
});

test('bad numbers are named by field, in words', () => {
  const errors = parseForm({ ...toForm(defaultRetentionPolicy), sessionsNotConnectedForDays: '0', auditLogMaxAgeDays: '1.5', auditLogMaxEntries: 'many', queuedMessagesMaxAgeDays: '', sessionEventsMaxAgeDays: '36501' }).errors;
  assert.deepEqual(errors, {
    sessionsNotConnectedForDays: 'Must be at least 1',
    auditLogMaxAgeDays: 'Must be a whole number',
    auditLogMaxEntries: 'Must be a number',
    queuedMessagesMaxAgeDays: 'Must be a number',
    sessionEventsMaxAgeDays: `Must be at most ${(36_500).toLocaleString()}`,
  });
});

test('counts read as one sentence', () => {
  assert.equal(countsText({ temporarySessions: 2, inactiveSessions: 0, permanentSessions: 1, auditLogEntries: 1, sessionEvents: 3, queuedMessages: 0 }), '2 temporary sessions, 1 permanent session, 1 audit log entry, 3 session timeline events');
  assert.equal(countsText({ temporarySessions: 0, inactiveSessions: 0, permanentSessions: 0, auditLogEntries: 0, sessionEvents: 0, queuedMessages: 1 }), '1 queued message');
  assert.equal(countsText({ temporarySessions: 1, inactiveSessions: 0, permanentSessions: 0, auditLogEntries: 0, sessionEvents: 0, queuedMessages: 1200 }), '1 temporary session, 1,200 queued messages');
  assert.equal(countsText({ temporarySessions: 0, inactiveSessions: 0, permanentSessions: 0, auditLogEntries: 0, sessionEvents: 0, queuedMessages: 0 }), 'nothing');
});
