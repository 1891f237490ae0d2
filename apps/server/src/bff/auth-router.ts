import express from 'express';
import { ErrorCode, changePasswordBody, loginBody, type FirstStartResponse, type MeResponse } from '@mqdash/contracts';
import { act, parseWith, requireCsrf, requireLogin, sessionOf, type BffDeps } from './context.ts';
import { fromEnvelope, HttpError } from './errors.ts';
import { COOKIE_NAME } from './sessions-store.ts';

const cookieOptions = (secure: boolean) => ({ httpOnly: true, sameSite: 'strict' as const, path: '/', secure, maxAge: 12 * 60 * 60 * 1000 });

/** Sign-in, sign-out, who am I, the password change, and whether the login page shows the first-start hint. */
export function authRouter(deps: BffDeps): express.Router {
  const router = express.Router();

  router.post('/login', async (req, res) => {
    const body = parseWith(loginBody, req.body, 'body');
    // createSession holds the sign-in limiter (issue 12): throttled attempts are 429 with Retry-After.
    const r = await deps.broker.actions.run({ action: 'createSession', params: body }, { source: 'bff', remoteAddress: req.ip });
    if (r.errorCode === ErrorCode.tooManyAttempts) throw fromEnvelope(r);
    if (r.errorCode !== 0 || !r.authToken) throw new HttpError(401, 'LOGIN_FAILED', 'wrong username or password');
    const session = deps.sessions.create(body.username, r.authToken);
    res.cookie(COOKIE_NAME, session.id, cookieOptions(req.secure));
    res.json({ username: session.username, role: deps.broker.auth.role(body.username) ?? 'viewer', csrfToken: session.csrfToken } satisfies MeResponse);
  });

  // Issue 13: unauthenticated, a boolean and nothing else (no path, no account names).
  router.get('/first-start', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ firstStart: deps.broker.firstSignInPending } satisfies FirstStartResponse);
  });

  const login = requireLogin(deps);

  router.get('/me', login, requireCsrf, (req, res) => {
    const s = sessionOf(req);
    res.json({ username: s.username, role: req.bffRole!, csrfToken: s.csrfToken } satisfies MeResponse);
  });

  router.post('/logout', login, requireCsrf, async (req, res) => {
    const s = sessionOf(req);
    await act(deps, req, 'deleteSession', {});
    deps.sessions.delete(s.id);
    res.clearCookie(COOKIE_NAME, { path: '/' });
    res.status(204).end();
  });

  router.post('/password', login, requireCsrf, async (req, res) => {
    const body = parseWith(changePasswordBody, req.body, 'body');
    const s = sessionOf(req);
    await act(deps, req, 'changePassword', body);
    // Every token of the account was revoked: other dashboard logins end, this one signs in anew.
    deps.sessions.deleteUser(s.username, s.id);
    const r = await deps.broker.actions.run({ action: 'createSession', params: { username: s.username, password: body.newPassword } }, { source: 'bff', remoteAddress: req.ip });
    if (r.errorCode !== 0 || !r.authToken) throw new HttpError(500, 'INTERNAL', 'the password was changed but signing in again failed; sign in with the new password');
    s.authToken = r.authToken;
    res.status(204).end();
  });

  return router;
}
