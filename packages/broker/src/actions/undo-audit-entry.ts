import { isDeepStrictEqual } from 'node:util';
import {
  UNDO_WINDOW_MS, alterMqSessionParams, undoAuditEntryParams, type AuditChange, type UndoAuditEntryResult,
} from '@mqdash/contracts';
import { alterMqSession } from './alter-mq-session.ts';
import { settableView } from './session-patch.ts';
import { ActionError, defineAction } from './types.ts';

const refuse = (auditId: number, why: string) =>
  new ActionError('undoRefused', `params.auditId: audit entry ${auditId} cannot be undone: ${why}`, { property: 'params.auditId', value: auditId });

/**
 * Issue 13: undoes one audited session change (an alterMqSession: a ban, hide, mark inactive,
 * label or threshold change, single or one of a bulk action's) by setting each recorded field back
 * to its before-value, within UNDO_WINDOW_MS, and only while the session still has every recorded
 * after-value (otherwise someone or something changed it since, and the undo would overwrite that).
 * It never reconnects or resubscribes anything: an unbanned client may connect again by itself.
 * The undo is itself audited (action undoAuditEntry, target the session, `undoOf` the entry, its changes).
 */
export const undoAuditEntry = defineAction({
  name: 'undoAuditEntry',
  params: undoAuditEntryParams,
  // The target is the session, set by run() once the entry is read; before that the entry's id.
  audit: (p, raw) => `audit:${p?.auditId ?? (typeof raw.auditId === 'number' ? raw.auditId : '?')}`,
  run(p, ctx): UndoAuditEntryResult {
    const { audit, store, registry } = ctx.core;
    const entry = audit.get(p.auditId);
    if (!entry) throw new ActionError('unknownAuditEntry', `params.auditId: no audit log entry has id ${p.auditId}`, { property: 'params.auditId', value: p.auditId });
    if (entry.action !== 'alterMqSession' || entry.target === null) throw refuse(p.auditId, `it records ${entry.action}, and only session changes (alterMqSession) can be undone`);
    ctx.auditTarget = entry.target;
    if (entry.errorCode !== 0) throw refuse(p.auditId, 'that change failed, so there is nothing to undo');
    const changes = Array.isArray(entry.details.changes) ? (entry.details.changes as AuditChange[]) : [];
    if (!changes.length) throw refuse(p.auditId, 'it changed nothing (or was recorded before changes were kept)');
    const age = registry.now() - entry.ts;
    if (age > UNDO_WINDOW_MS) throw refuse(p.auditId, `undo is possible for ${UNDO_WINDOW_MS / 60_000} minutes after a change, and this one is ${Math.floor(age / 60_000)} minutes old`);
    const undone = store.recentAudit(1000, entry.target).find((e) => e.action === 'undoAuditEntry' && e.errorCode === 0 && e.details.undoOf === entry.id);
    if (undone) throw refuse(p.auditId, `it was already undone by ${undone.actor}`);

    const row = store.getSession(entry.target);
    if (!row) throw refuse(p.auditId, `the session ${JSON.stringify(entry.target)} no longer exists`);
    const now = settableView(row, store);
    const params: Record<string, unknown> = { clientName: row.clientName };
    for (const c of changes) {
      if (c.secret || !('before' in c)) throw refuse(p.auditId, `${c.field} had no value before the change, so it cannot be set back`);
      if (!isDeepStrictEqual(now[c.field], c.after))
        throw refuse(p.auditId, `the session changed since: ${c.field} is now ${JSON.stringify(now[c.field] ?? null)}, not ${JSON.stringify(c.after ?? null)}`);
      params[c.field] = c.before;
    }
    const parsed = alterMqSessionParams.safeParse(params);
    if (!parsed.success) throw refuse(p.auditId, 'its recorded values are not settable any more');
    ctx.auditDetails = { undoOf: entry.id };
    alterMqSession.run(parsed.data, ctx);
    return { auditId: entry.id!, clientName: row.clientName, restored: ctx.auditChanges ?? [] };
  },
});
