import type { RetentionCounts } from '@mqdash/contracts';
import { plural } from './format';

/** What a retention run removed (or a preview would), in one sentence (Settings and the overview). */
export function retentionCountsText(c: RetentionCounts): string {
  const parts = [
    c.temporarySessions && plural(c.temporarySessions, 'temporary session'),
    c.inactiveSessions && plural(c.inactiveSessions, 'inactive session'),
    c.permanentSessions && plural(c.permanentSessions, 'permanent session'),
    c.auditLogEntries && plural(c.auditLogEntries, 'audit log entry', 'audit log entries'),
    c.sessionEvents && plural(c.sessionEvents, 'session timeline event'),
    c.queuedMessages && plural(c.queuedMessages, 'queued message'),
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'nothing';
}
