import { emptyParams } from '@mqdash/contracts';
import { defineAction } from './types.ts';

/** Ends the request's authToken; temporary MQ API sessions it created end with it (DESIGN §3). */
export const deleteSession = defineAction({
  name: 'deleteSession',
  params: emptyParams,
  run(_p, ctx) {
    ctx.core.auth.logout(ctx.authToken!);
    ctx.core.feedTokens.revoke(ctx.user!.username);
    return {};
  },
});
