import { createSessionParams, type CreateSessionResult } from '@mqdash/contracts';
import { iso } from '../registry/format.ts';
import { ActionError, defineAction } from './types.ts';

/**
 * FairCom's createSession: an account logs in and gets an authToken, in the envelope and in
 * `result.authToken`, where every FairCom example reads it (issue 9).
 */
export const createSession = defineAction({
  name: 'createSession',
  params: createSessionParams,
  requiresAuth: false,
  async run(p, ctx): Promise<CreateSessionResult> {
    const { auth, audit } = ctx.core;
    const token = await auth.login(p.username, p.password);
    audit.record({
      actor: p.username, action: 'createSession', target: null, errorCode: token ? 0 : 14011,
      details: { source: ctx.source, ...(ctx.remoteAddress ? { remoteAddress: ctx.remoteAddress } : {}) },
    });
    if (!token) throw new ActionError('loginFailed', 'params.password: username or password is wrong', { property: 'params.password' });
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
