import express from 'express';
import { changePasswordBody, loginBody, type MeResponse } from '@mqdash/contracts';
import { act, parseWith, requireCsrf, requireLogin, sessionOf, type BffDeps } from './context.ts';
import { HttpError } from './errors.ts';
import { COOKIE_NAME } from './sessions-store.ts';

const cookieOptions = (secure: boolean) => ({ httpOnly: true, sameSite: 'strict' as const, path: '/', secure, maxAge: 12 * 60 * 60 * 1000 });

/** Sign-in, sign-out, who am I, and the password change. */
export function authRouter(deps: BffDeps): express.Router {
  const router = express.Router();

  router.post('/login', async (req, res) => {
    const body = parseWith(loginBody, req.body, 'body');
    // One address guessing one account is slowed after 5 failures; one address trying many accounts after 30.
    const keys = [`${req.socket.remoteAddress}\u0000${body.username}`];
    const address = [String(req.socket.remoteAddress)];
    const wait = Math.max(deps.limiter.retryAfter(keys), deps.addressLimiter.retryAfter(address));
    if (wait > 0) {
      res.set('Retry-After', String(Math.ceil(wait / 1000)));
      throw new HttpError(429, 'TOO_MANY_ATTEMPTS', `too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s`);
    }
    const r = await deps.broker.actions.run(
      { action: 'createSession', params: body },
      { source: 'bff', remoteAddress: req.ip },
    );
    if (r.errorCode !== 0 || !r.authToken) {
      deps.limiter.fail(keys);
      deps.addressLimiter.fail(address);
      throw new HttpError(401, 'LOGIN_FAILED', 'wrong username or password');
    }
    deps.limiter.succeed(keys);
    const session = deps.sessions.create(body.username, r.authToken);
    res.cookie(COOKIE_NAME, session.id, cookieOptions(req.secure));
    res.json({ username: session.username, csrfToken: session.csrfToken } satisfies MeResponse);
  });

  const login = requireLogin(deps);

  router.get('/me', login, requireCsrf, (req, res) => {
    const s = sessionOf(req);
    res.json({ username: s.username, csrfToken: s.csrfToken } satisfies MeResponse);
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
    const r = await deps.broker.actions.run({ action: 'createSession', params: { username: s.username, password: body.newPassword } }, { source: 'bff' });
    if (r.errorCode !== 0 || !r.authToken) throw new HttpError(500, 'INTERNAL', 'the password was changed but signing in again failed; sign in with the new password');
    s.authToken = r.authToken;
    res.status(204).end();
  });

  return router;
}
