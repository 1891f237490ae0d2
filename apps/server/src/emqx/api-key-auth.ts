import type { NextFunction, Request, Response } from 'express';
import type { Broker } from '@mqdash/broker';
import { EmqxHttpError } from './errors.ts';

/** `Authorization: Basic base64(key:secret)`, split at the first `:` (RFC 7617). */
export function basicCredentials(header: string | undefined): { key: string; secret: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const at = text.indexOf(':');
  return at < 0 ? null : { key: text.slice(0, at), secret: text.slice(at + 1) };
}

const unauthorized = (res: Response, message: string) => {
  res.set('WWW-Authenticate', 'Basic realm="mqdash /api/v5", charset="UTF-8"');
  return new EmqxHttpError(401, 'BAD_API_KEY_OR_SECRET', message);
};

/**
 * DESIGN §4: every `/api/v5` request carries an API key and secret (HTTP Basic). A valid pair sets
 * `res.locals.principal` to `apikey:<name>`, the actor the JSON actions run as. The secret check
 * goes through the broker's sign-in limiter (issue 12): reserved before the secret is verified,
 * so parallel wrong secrets cannot all be tried; past the free attempts per address and key (and
 * per address) the answer is 429 with Retry-After. Other addresses are not affected.
 */
export function requireApiKey(broker: Broker) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const creds = basicCredentials(req.get('authorization'));
    if (!creds) throw unauthorized(res, 'Authorization: Basic with an API key and secret is required');
    const attempt = await broker.signInLimiter.reserve({ realm: 'apikey', door: 'emqx', address: req.ip, account: creds.key });
    if (!attempt.ok) {
      res.set('Retry-After', String(attempt.retryAfterSeconds));
      throw new EmqxHttpError(429, 'TOO_MANY_REQUESTS', `too many wrong secrets from this address; try again in ${attempt.retryAfterSeconds} s`);
    }
    let name: string | null;
    try {
      name = await broker.apiKeys.verify(creds.key, creds.secret);
    } catch (err) {
      attempt.release();
      throw err;
    }
    if (!name) {
      await attempt.fail('wrong secret, or an unknown, disabled or expired key');
      throw unauthorized(res, 'Check api_key/api_secret: unknown, disabled or expired key, or wrong secret');
    }
    attempt.succeed();
    res.locals.principal = `apikey:${name}`;
    // Issue 12: read at every request, so a role change applies to the key's next request.
    res.locals.role = broker.apiKeys.get(name)?.role;
    next();
  };
}
