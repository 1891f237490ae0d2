import { z } from 'zod';

/**
 * The retention policy (mqdash extension, issue 14): stored in the database, changed in Settings →
 * Retention or with alterRetentionPolicy, applied hourly in small batches while enabled.
 *
 * Sessions not connected for `sessionsNotConnectedForDays` days are removed — offline temporary
 * sessions and inactive sessions; permanent sessions (which otherwise live until deleteMqSession)
 * only with `includePermanentSessions`; banned sessions never, so their bans hold. "Not connected
 * for N days": neither connected, disconnected, used (MQ API) nor created within them.
 */
const days = (max: number) => z.int().min(0).max(max);

export const retentionPolicySchema = z.object({
  /** false (the default): nothing is removed; previewRetention still counts. */
  enabled: z.boolean(),
  sessionsNotConnectedForDays: z.int().min(1).max(36_500),
  /** Permanent sessions are removed too only when this says so (default false). */
  includePermanentSessions: z.boolean(),
  /** Audit log entries older than this are removed; 0: none by age. */
  auditLogMaxAgeDays: days(36_500),
  /** At most this many audit log entries are kept (the newest); 0: no limit. */
  auditLogMaxEntries: z.int().min(0).max(1_000_000_000),
  /**
   * Messages queued for offline sessions longer than this are removed; 0: off (the default). Only
   * messages waiting to be sent: one sent and not yet acknowledged (in flight) stays. Both engines.
   */
  queuedMessagesMaxAgeDays: days(36_500),
  /** Session timeline events (connects, disconnects, refusals, health turns) older than this are removed; 0: none by age (issue 13). */
  sessionEventsMaxAgeDays: days(36_500),
});
export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;

export const defaultRetentionPolicy: RetentionPolicy = {
  enabled: false, sessionsNotConnectedForDays: 30, includePermanentSessions: false,
  auditLogMaxAgeDays: 365, auditLogMaxEntries: 1_000_000, queuedMessagesMaxAgeDays: 0,
  sessionEventsMaxAgeDays: 90,
};

const policyPatch = retentionPolicySchema.partial();

export const describeRetentionPolicyParams = z.object({});

/** Only the properties given change; at least one. */
export const alterRetentionPolicyParams = policyPatch.superRefine((p, ctx) => {
  if (Object.values(p).every((v) => v === undefined))
    ctx.addIssue({ code: 'custom', path: ['enabled'], params: { errorCode: 'missingProperty' }, message: `give at least one of ${Object.keys(retentionPolicySchema.shape).join(', ')}` });
});
export type AlterRetentionPolicyParams = z.infer<typeof alterRetentionPolicyParams>;

/** The stored policy with these properties changed (all optional): what would go if it applied now. */
export const previewRetentionParams = policyPatch;
export type PreviewRetentionParams = z.infer<typeof previewRetentionParams>;

/** What a run removes (or, previewed, would remove). */
export interface RetentionCounts {
  temporarySessions: number;
  inactiveSessions: number;
  permanentSessions: number;
  auditLogEntries: number;
  /** Session timeline events (older than sessionEventsMaxAgeDays). */
  sessionEvents: number;
  /** Messages queued for offline sessions longer than queuedMessagesMaxAgeDays (0 while that is 0). */
  queuedMessages: number;
}

export interface RetentionRun {
  startedDateTime: string;
  finishedDateTime: string;
  removed: RetentionCounts;
  /** Set when the run stopped early; what it removed until then stays removed. */
  error?: string;
}

export interface RetentionPolicyInfo {
  policy: RetentionPolicy;
  /** `default` until an administrator changes it. */
  source: 'default' | 'dashboard';
  updatedDateTime?: string;
  updatedBy?: string;
  lastRun: RetentionRun | null;
  /** When the next run is due (only while enabled). */
  nextRunDateTime?: string;
  notes: string[];
}

export interface RetentionPreview {
  policy: RetentionPolicy;
  /** Sessions last seen before this time, and audit entries older than it by age, are removed. */
  sessionsCutoffDateTime: string;
  /** Messages queued before this time for offline sessions are removed (only while queuedMessagesMaxAgeDays > 0). */
  queuedMessagesCutoffDateTime?: string;
  wouldRemove: RetentionCounts;
  /** Permanent sessions as old as that, kept because includePermanentSessions is false. */
  permanentSessionsKept: number;
  /** Banned sessions as old as that, kept so their bans hold. */
  bannedSessionsKept: number;
  notes: string[];
}

/** `PUT /bff/retention` (a patch) and `POST /bff/retention/preview`. */
export const retentionPolicyBody = alterRetentionPolicyParams;
export const retentionPreviewBody = previewRetentionParams;
