import { changePasswordParams } from '@mqdash/contracts';
import { ActionError, defineAction } from './types.ts';

/** Changes the caller's password after checking the current one; every token of the account ends. */
export const changePassword = defineAction({
  name: 'changePassword',
  params: changePasswordParams,
  audit: () => 'account',
  async run(p, ctx) {
    const { auth } = ctx.core;
    const username = ctx.user!.username;
    if (!(await auth.checkPassword(username, p.currentPassword)))
      throw new ActionError('loginFailed', 'params.currentPassword: the current password is wrong', { property: 'params.currentPassword' });
    await auth.setPassword(username, p.newPassword);
    ctx.core.feedTokens.revoke(username);
    return { username, tokensRevoked: true };
  },
});
