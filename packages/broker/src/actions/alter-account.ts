import { alterAccountParams, type AccountInfo } from '@mqdash/contracts';
import { accountInfo, accountOnly, accountTarget, lastAdministrator, unknownAccount } from './account-guard.ts';
import { recordChanges } from './audit-changes.ts';
import { ActionError, defineAction } from './types.ts';

/**
 * alterAccount (FairCom's Admin API name; issue 12): changes another account's role, password or
 * description. A new role applies from the account's next request; a new password ends its
 * sign-ins. The last administrator keeps its role, and an account changes its own password with
 * changePassword (which asks for the current one).
 */
export const alterAccount = defineAction({
  name: 'alterAccount',
  params: alterAccountParams,
  audit: accountTarget,
  async run(p, ctx): Promise<AccountInfo> {
    accountOnly(ctx);
    if (p.password !== undefined && p.username === ctx.user!.username)
      throw new ActionError('notPermitted', 'params.password: change your own password with changePassword, which asks for the current one', { property: 'params.password' });
    const before = ctx.core.store.getAccount(p.username);
    const r = await ctx.core.auth.alterAccount(p.username, { role: p.role, password: p.password, description: p.accountDescription });
    if (r === 'unknown') throw unknownAccount(p.username);
    if (r === 'lastAdministrator') throw lastAdministrator(p.username, `making it ${p.role}`);
    if (p.password !== undefined) ctx.core.feedTokens.revoke(p.username);
    recordChanges(ctx, { ...(before && accountInfo(before)), ...(p.password !== undefined ? { password: 0 } : {}) }, { ...accountInfo(r), ...(p.password !== undefined ? { password: 1 } : {}) },
      { secrets: ['password'], ignore: ['createdDateTime', 'updatedDateTime', 'sessionCount', 'connectedClients', 'passwordChangedDateTime', 'createdBy'] });
    return accountInfo(r);
  },
});
