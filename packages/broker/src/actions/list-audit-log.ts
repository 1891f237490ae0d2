import { listAuditLogParams, roles, type AuditEvent, type Role } from '@mqdash/contracts';
import { iso } from '../registry/format.ts';
import { defineAction } from './types.ts';

const isRole = (v: unknown): v is Role => roles.includes(v as Role);

/** The audit log (DESIGN §3), newest first: who did what to which target, when, with what result, with which role (issue 12). */
export const listAuditLog = defineAction({
  name: 'listAuditLog',
  params: listAuditLogParams,
  run(p, ctx): { data: AuditEvent[] } {
    return {
      data: ctx.core.audit.recent(p.maxRecords, p.target).map((e) => ({
        id: e.id!, ts: iso(e.ts)!, actor: e.actor, action: e.action, target: e.target, errorCode: e.errorCode,
        ...(isRole(e.details.role) ? { role: e.details.role } : {}), details: e.details,
      })),
    };
  },
});
