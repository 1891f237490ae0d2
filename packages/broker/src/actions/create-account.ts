import { createAccountParams, type AccountInfo } from '@mqdash/contracts';
import { accountInfo, accountOnly, accountTarget } from './account-guard.ts';
import { ActionError, defineAction } from './types.ts';

/** createAccount (FairCom's Admin API name; issue 12): another administrator account, with a role (default viewer). */
export const createAccount = defineAction({
  name: 'createAccount',
  params: createAccountParams,
  audit: accountTarget,
  async run(p, ctx): Promise<AccountInfo> {
    accountOnly(ctx);
    const row = await ctx.core.auth.createAccount({ username: p.username, password: p.password, role: p.role, description: p.accountDescription, createdBy: ctx.user!.username });
    if (!row) throw new ActionError('nameInUse', `params.username: an account named ${JSON.stringify(p.username)} already exists`, { property: 'params.username', value: p.username });
    return accountInfo(row);
  },
});
