import { z } from 'zod';
import { clientNameSchema } from '../common.ts';

/**
 * Issue 13 (history and undo): one changed field of an audited change, as recorded in the audit
 * entry's `details.changes`. A secret (a password, an API key secret) is recorded as changed
 * without either value (`secret: true`).
 */
export interface AuditChange {
  /** The property as the action names it (`sessionStatus`, `maxHealthySendRatePerMinute`, `enabled`, …). */
  field: string;
  /** Absent when the field had no value (or is a secret). */
  before?: unknown;
  after?: unknown;
  secret?: true;
}

/** How long after a change `undoAuditEntry` may undo it. */
export const UNDO_WINDOW_MS = 10 * 60_000;

/** mqdash extension: undo one audited session change (alterMqSession) from its recorded before-values. */
export const undoAuditEntryParams = z.object({
  auditId: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
});
export type UndoAuditEntryParams = z.infer<typeof undoAuditEntryParams>;

export interface UndoAuditEntryResult {
  auditId: number;
  clientName: string;
  /** What the undo set back (after → before of the undone entry). */
  restored: AuditChange[];
}

/** `POST /bff/audit/undo`: several entries at once (a bulk action's). */
export const undoAuditBody = z.object({
  auditIds: z.array(z.int().min(1).max(Number.MAX_SAFE_INTEGER)).min(1).max(10_000),
});

export interface UndoAuditBulkResult {
  succeeded: number[];
  failed: Array<{ auditId: number; error: string }>;
}

/** mqdash extension: a session's stored connection history (connects, disconnects, refusals, health turns), newest first. */
export const listSessionEventsParams = z.object({
  clientName: clientNameSchema,
  maxRecords: z.int().min(1).max(1000).default(100),
});

export type SessionEventType = 'connect' | 'disconnect' | 'refused' | 'health';

export interface SessionEvent {
  id: number;
  ts: string;
  type: SessionEventType;
  /** connect: ipaddress, mqttProtocol; disconnect/refused: reason; health: sessionHealth, reason. */
  details: Record<string, unknown>;
}
