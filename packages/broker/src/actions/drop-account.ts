import { dropAccountParams } from '@mqdash/contracts';
import { accountOnly, accountTarget, lastAdministrator, unknownAccount } from './account-guard.ts';
import { ActionError, defineAction } from './types.ts';

/**
 * dropAccount (FairCom's Admin API name; issue 12): removes an administrator account and ends its
 * sign-ins at once. Not the account making the request, and never the last administrator.
 */
export const dropAccount = defineAction({
  name: 'dropAccount',
  params: dropAccountParams,
  audit: accountTarget,
  run(p, ctx): { username: string } {
    accountOnly(ctx);
    if (p.username === ctx.user!.username)
      throw new ActionError('notPermitted', 'params.username: you cannot delete the account you are signed in with; another administrator can', { property: 'params.username', value: p.username });
    const r = ctx.core.auth.deleteAccount(p.username);
    if (r === 'unknown') throw unknownAccount(p.username);
    if (r === 'lastAdministrator') throw lastAdministrator(p.username, 'deleting it');
    ctx.core.feedTokens.revoke(p.username);
    return { username: p.username };
  },
});
