import { createSessionParams, type CreateSessionResult } from '@mqdash/contracts';
import { iso } from '../registry/format.ts';
import { checkedSignIn, reserveAdminSignIn } from './sign-in-guard.ts';
import { ActionError, defineAction } from './types.ts';

/**
 * FairCom's createSession: an account logs in and gets an authToken, in the envelope and in
 * `result.authToken`, where every FairCom example reads it (issue 9). Guarded by the sign-in
 * limiter (issue 12); a failure is audited by it (`signInFailed`), a success here.
 */
export const createSession = defineAction({
  name: 'createSession',
  params: createSessionParams,
  requiresAuth: false,
  async run(p, ctx): Promise<CreateSessionResult> {
    const { auth } = ctx.core;
    const attempt = await reserveAdminSignIn(ctx, p.username);
    const token = await checkedSignIn(attempt, () => auth.login(p.username, p.password), () => (auth.hasAccount(p.username) ? 'wrong password' : 'no such account'));
    if (!token) throw new ActionError('loginFailed', 'params.password: username or password is wrong', { property: 'params.password' });
    ctx.core.audit.record({
      actor: p.username, action: 'createSession', target: null, errorCode: 0,
      details: { source: ctx.source, role: auth.role(p.username), ...(ctx.remoteAddress ? { remoteAddress: ctx.remoteAddress } : {}) },
    });
    ctx.core.firstStart.signedIn();
    ctx.issuedToken = token;
    const info = auth.verify(token)!;
    return {
      authToken: token,
      username: p.username,
      expiresInSeconds: Math.floor(info.expiresInMs / 1000),
      idleConnectionTimeoutSeconds: Math.floor(auth.opts.idleTimeoutMs / 1000),
      sessionStartTimestamp: iso(info.createdAt)!,
      sessionLastAccessedTimestamp: iso(info.lastUsedAt)!,
    };
  },
});
