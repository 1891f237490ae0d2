import { listAccountsParams, type AccountInfo } from '@mqdash/contracts';
import { accountInfo } from './account-guard.ts';
import { defineAction } from './types.ts';

/** listAccounts (FairCom's Admin API name; issue 12): every administrator account with its role, never a password. */
export const listAccounts = defineAction({
  name: 'listAccounts',
  params: listAccountsParams,
  run(_p, ctx): { data: AccountInfo[] } {
    return { data: ctx.core.auth.listAccounts().map(accountInfo) };
  },
});
