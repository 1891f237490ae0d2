import type { NextFunction, Request, Response } from 'express';
import type { Broker } from '@mqdash/broker';
import { LoginLimiter } from '../bff/login-limiter.ts';
import { EmqxHttpError } from './errors.ts';

/** `Authorization: Basic base64(key:secret)`, split at the first `:` (RFC 7617). */
export function basicCredentials(header: string | undefined): { key: string; secret: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const at = text.indexOf(':');
  return at < 0 ? null : { key: text.slice(0, at), secret: text.slice(at + 1) };
}

/**
 * DESIGN §4: every `/api/v5` request carries an API key and secret (HTTP Basic). A valid pair sets
 * `res.locals.principal` to `apikey:<name>`, the actor the JSON actions run as. Repeated wrong
 * secrets for one key from one address slow down (as sign-ins do), so secrets cannot be guessed
 * quickly; other keys and addresses are not affected.
 */
export function requireApiKey(broker: Broker, limiter = new LoginLimiter({ freeAttempts: 10, windowMs: 15 * 60_000, baseDelayMs: 1000, maxDelayMs: 60_000 })) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const creds = basicCredentials(req.get('authorization'));
    const limitKeys = creds ? [`${req.socket.remoteAddress}|${creds.key}`] : [];
    const wait = limiter.retryAfter(limitKeys);
    if (wait > 0) {
      res.set('Retry-After', String(Math.ceil(wait / 1000)));
      throw new EmqxHttpError(429, 'TOO_MANY_REQUESTS', `too many wrong secrets for this API key; try again in ${Math.ceil(wait / 1000)} s`);
    }
    const name = creds ? await broker.apiKeys.verify(creds.key, creds.secret) : null;
    if (!name) {
      limiter.fail(limitKeys);
      res.set('WWW-Authenticate', 'Basic realm="mqdash /api/v5", charset="UTF-8"');
      throw new EmqxHttpError(401, 'BAD_API_KEY_OR_SECRET', creds ? 'Check api_key/api_secret: unknown, disabled or expired key, or wrong secret' : 'Authorization: Basic with an API key and secret is required');
    }
    res.locals.principal = `apikey:${name}`;
    next();
  };
}
