import { createSessionParams, type CreateSessionResult } from '@mqdash/contracts';
import { ActionError, defineAction } from './types.ts';

/** FairCom's createSession: an account logs in and gets an authToken in the envelope. */
export const createSession = defineAction({
  name: 'createSession',
  params: createSessionParams,
  requiresAuth: false,
  async run(p, ctx): Promise<CreateSessionResult> {
    const token = await ctx.core.auth.login(p.username, p.password);
    ctx.core.audit.record({
      actor: p.username, action: 'createSession', target: null, errorCode: token ? 0 : 14011,
      details: { source: ctx.source, ...(ctx.remoteAddress ? { remoteAddress: ctx.remoteAddress } : {}) },
    });
    if (!token) throw new ActionError('loginFailed', 'params.password: username or password is wrong', { property: 'params.password' });
    ctx.issuedToken = token;
    const info = ctx.core.auth.verify(token)!;
    return { username: p.username, expiresInSeconds: Math.floor(info.expiresInMs / 1000) };
  },
});
