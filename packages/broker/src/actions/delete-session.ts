import { emptyParams } from '@mqdash/contracts';
import { ActionError, defineAction, warn } from './types.ts';

/**
 * Ends the request's authToken; temporary MQ API sessions it created end with it (DESIGN §3).
 * A token that has already ended answers errorCode 0 with a warning, as FairCom documents: the
 * caller's goal, no such session, holds. A missing authToken is still refused (12031).
 */
export const deleteSession = defineAction({
  name: 'deleteSession',
  params: emptyParams,
  requiresAuth: false,
  run(_p, ctx) {
    const { auth, feedTokens } = ctx.core;
    const info = auth.verify(ctx.authToken);
    if (!info) {
      if (!ctx.authToken) throw new ActionError('invalidAuthToken', 'authToken: missing; deleteSession ends the token it is sent with', { property: 'authToken' });
      warn(ctx, 'invalidAuthToken', 'authToken does not match any existing session (it has ended already); nothing to delete');
      return {};
    }
    ctx.user = { username: info.username, tokenHash: info.hash, role: auth.role(info.username) ?? 'viewer' };
    auth.logout(ctx.authToken!);
    feedTokens.revoke(info.username);
    return {};
  },
});
