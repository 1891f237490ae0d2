import { changePasswordParams } from '@mqdash/contracts';
import { checkedSignIn, reserveAdminSignIn } from './sign-in-guard.ts';
import { ActionError, defineAction } from './types.ts';

/**
 * Changes the caller's password after checking the current one; every token of the account ends.
 * The current password is a secret checked like a sign-in, so the limiter guards it (issue 12).
 */
export const changePassword = defineAction({
  name: 'changePassword',
  params: changePasswordParams,
  audit: () => 'account',
  async run(p, ctx) {
    const { auth } = ctx.core;
    const username = ctx.user!.username;
    const attempt = await reserveAdminSignIn(ctx, username);
    if (!(await checkedSignIn(attempt, () => auth.checkPassword(username, p.currentPassword), () => 'wrong current password (changePassword)')))
      throw new ActionError('loginFailed', 'params.currentPassword: the current password is wrong', { property: 'params.currentPassword' });
    await auth.setPassword(username, p.newPassword);
    ctx.core.feedTokens.revoke(username);
    return { username, tokensRevoked: true };
  },
});
