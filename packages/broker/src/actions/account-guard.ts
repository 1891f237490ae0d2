import type { AccountInfo } from '@mqdash/contracts';
import { iso } from '../registry/format.ts';
import type { AccountRow } from '../store/types.ts';
import { ActionError, type ActionContext } from './types.ts';

/** Administrator accounts are managed by accounts (dashboard, JSON action API), never by an EMQX API key. */
export function accountOnly(ctx: ActionContext): void {
  if (ctx.principal !== undefined && ctx.source === 'emqx')
    throw new ActionError('notPermitted', 'administrator accounts are managed by an administrator account (dashboard or JSON action API), not by an API key');
}

export const unknownAccount = (username: string) =>
  new ActionError('unknownAccount', `params.username: no administrator account named ${JSON.stringify(username)}`, { property: 'params.username', value: username });

export const lastAdministrator = (username: string, what: string) =>
  new ActionError('lastAdministrator', `params.username: ${JSON.stringify(username)} is the only administrator; ${what} would leave nobody to manage accounts and settings. Give another account the administrator role first`, { property: 'params.username', value: username });

/** The audit target of an account: prefixed like `apikey:` and `mqttuser:`, so it never collides with a session's clientName. */
export const accountTarget = (_p: unknown, raw: Record<string, unknown>) =>
  (typeof raw.username === 'string' ? `account:${raw.username}` : null);

export const accountInfo = (row: AccountRow): AccountInfo => ({
  username: row.username, role: row.role, accountDescription: row.description, createdBy: row.createdBy,
  createdDateTime: iso(row.createdAt)!, updatedDateTime: iso(row.updatedAt)!,
});
