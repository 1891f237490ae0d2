import type { NextFunction, Request, Response } from 'express';
import type { Broker } from '@mqdash/broker';
import type { Role } from '@mqdash/contracts';
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
 * Checks the API key and secret of a request (HTTP Basic) through the broker's sign-in limiter
 * (issue 12): reserved before the secret is verified, so parallel wrong secrets cannot all be
 * tried; past the free attempts per address and key (and per address) the answer is 429 with
 * Retry-After. Other addresses are not affected. Resolves to the key's name and role; throws the
 * EMQX-shaped 401/429 otherwise. Used by `/api/v5` and by `/metrics`.
 */
export async function verifyApiKey(broker: Broker, req: Request, res: Response): Promise<{ name: string; role: Role | undefined }> {
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
  // Issue 12: read at every request, so a role change applies to the key's next request.
  return { name, role: broker.apiKeys.get(name)?.role };
}

/**
 * DESIGN §4: every `/api/v5` request carries an API key and secret (HTTP Basic). A valid pair sets
 * `res.locals.principal` to `apikey:<name>`, the actor the JSON actions run as, and `res.locals.role`.
 */
export function requireApiKey(broker: Broker) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = await verifyApiKey(broker, req, res);
    res.locals.principal = `apikey:${key.name}`;
    res.locals.role = key.role;
    next();
  };
}
