import { emptyParams, type PingSessionResult } from '@mqdash/contracts';
import { ActionError, defineAction } from './types.ts';

/**
 * FairCom's pingSession: without an authToken it answers errorCode 0 as a check that the server is
 * alive; with one it keeps the token alive and says for how long, or answers 12031 for a token
 * that is not (or no longer) valid.
 */
export const pingSession = defineAction({
  name: 'pingSession',
  params: emptyParams,
  requiresAuth: false,
  run(_p, ctx): PingSessionResult {
    if (ctx.authToken === undefined || ctx.authToken === '') return {};
    const info = ctx.core.auth.verify(ctx.authToken);
    if (!info) throw new ActionError('invalidAuthToken', 'authToken: unknown or expired; log in again with createSession, or ping without an authToken to check the server is alive', { property: 'authToken' });
    return { username: info.username, expiresInSeconds: Math.floor(info.expiresInMs / 1000) };
  },
});
