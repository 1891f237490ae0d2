import { isDeepStrictEqual } from 'node:util';
import type { AuditChange } from '@mqdash/contracts';
import type { ActionContext } from './types.ts';

export interface ChangeOptions {
  /** Fields recorded as changed without their values (passwords, secrets). */
  secrets?: readonly string[];
  /** Fields never recorded (volatile ones such as update times). */
  ignore?: readonly string[];
}

/**
 * Issue 13: the fields that differ between two views of one object, before → after, in the
 * action's own property names. A field that has no value on one side has no `before`/`after`
 * there; a secret that changed has neither.
 */
export function changesOf(before: Record<string, unknown>, after: Record<string, unknown>, o: ChangeOptions = {}): AuditChange[] {
  const out: AuditChange[] = [];
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (o.ignore?.includes(field)) continue;
    const b = before[field], a = after[field];
    if (isDeepStrictEqual(b, a)) continue;
    if (o.secrets?.includes(field)) out.push({ field, secret: true });
    else out.push({ field, ...(b !== undefined ? { before: b } : {}), ...(a !== undefined ? { after: a } : {}) });
  }
  return out;
}

/** Records the changes in the action's audit entry (`details.changes`). */
export function recordChanges(ctx: ActionContext, before: object | undefined, after: object | undefined, o: ChangeOptions = {}): void {
  ctx.auditChanges = [...(ctx.auditChanges ?? []), ...changesOf((before ?? {}) as Record<string, unknown>, (after ?? {}) as Record<string, unknown>, o)];
}
