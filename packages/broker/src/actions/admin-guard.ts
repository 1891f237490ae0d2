import { ActionError, type ActionContext } from './types.ts';

/**
 * Operations on the whole server (backups, the retention policy) are for administrator accounts
 * (dashboard, JSON action API), never for an EMQX API key. The roles of issue 12 will decide this
 * per role; until then an account is an administrator.
 */
export function administratorOnly(ctx: ActionContext, what: string): void {
  if (ctx.principal !== undefined && ctx.source === 'emqx')
    throw new ActionError('notPermitted', `${what} is for administrator accounts (dashboard or JSON action API), not for an API key`);
}
