import { retentionPolicySchema, type RetentionPolicy } from '@mqdash/contracts';
import { zodFieldErrors, type FieldErrors } from '../../../lib/form-errors';

/** The form's fields as typed: numbers as text, so a half-typed value is not lost. */
export interface RetentionForm {
  enabled: boolean;
  sessionsNotConnectedForDays: string;
  includePermanentSessions: boolean;
  auditLogMaxAgeDays: string;
  auditLogMaxEntries: string;
  queuedMessagesMaxAgeDays: string;
  sessionEventsMaxAgeDays: string;
}

export const toForm = (p: RetentionPolicy): RetentionForm => ({
  enabled: p.enabled,
  sessionsNotConnectedForDays: String(p.sessionsNotConnectedForDays),
  includePermanentSessions: p.includePermanentSessions,
  auditLogMaxAgeDays: String(p.auditLogMaxAgeDays),
  auditLogMaxEntries: String(p.auditLogMaxEntries),
  queuedMessagesMaxAgeDays: String(p.queuedMessagesMaxAgeDays),
  sessionEventsMaxAgeDays: String(p.sessionEventsMaxAgeDays),
});

/** A number when the text is one; anything else as it is, for the schema to refuse in words. */
const number = (text: string): unknown => (text.trim() === '' ? undefined : Number.isFinite(Number(text)) ? Number(text) : text);

/** The form as a policy, checked with the schema the server uses; errors by field. */
export function parseForm(f: RetentionForm): { policy: RetentionPolicy; errors?: undefined } | { policy?: undefined; errors: FieldErrors } {
  const parsed = retentionPolicySchema.safeParse({
    enabled: f.enabled,
    sessionsNotConnectedForDays: number(f.sessionsNotConnectedForDays),
    includePermanentSessions: f.includePermanentSessions,
    auditLogMaxAgeDays: number(f.auditLogMaxAgeDays),
    auditLogMaxEntries: number(f.auditLogMaxEntries),
    queuedMessagesMaxAgeDays: number(f.queuedMessagesMaxAgeDays),
    sessionEventsMaxAgeDays: number(f.sessionEventsMaxAgeDays),
  });
  if (!parsed.success) return { errors: zodFieldErrors(parsed.error) };
  return { policy: parsed.data };
}
