import type { NextFunction, Request, Response } from 'express';
import { parse as parseCookie } from 'cookie';
import type { z } from 'zod';
import type { Broker } from '@mqdash/broker';
import type { Role } from '@mqdash/contracts';
import { fromEnvelope, fromZod, HttpError } from './errors.ts';
import { type BffSession, BffSessions, COOKIE_NAME, sameSecret } from './sessions-store.ts';

export interface BffDeps {
  broker: Broker;
  sessions: BffSessions;
}

declare module 'express-serve-static-core' {
  interface Request {
    bff?: BffSession;
    /** The signed-in account's role, read at every request (issue 12). */
    bffRole?: Role;
  }
}

export const sessionOf = (req: Request): BffSession => {
  if (!req.bff) throw new HttpError(401, 'UNAUTHENTICATED', 'sign in first');
  return req.bff;
};

/** Every /bff route but login needs a live dashboard login whose broker authToken is still valid. */
export function requireLogin(deps: BffDeps) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const id = parseCookie(req.headers.cookie ?? '')[COOKIE_NAME];
    const session = deps.sessions.get(id);
    // A deleted account has no role: its sign-ins end with it.
    const role = session && deps.broker.auth.verify(session.authToken) ? deps.broker.auth.role(session.username) : undefined;
    if (!session || !role) {
      if (session) deps.sessions.delete(session.id);
      return next(new HttpError(401, 'UNAUTHENTICATED', 'your sign-in has expired; sign in again'));
    }
    req.bff = session;
    req.bffRole = role;
    next();
  };
}

/** State-changing routes must echo the CSRF token (DESIGN §4) in `X-CSRF-Token`. */
export function requireCsrf(req: Request, _res: Response, next: NextFunction) {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  if (!sameSecret(req.get('x-csrf-token'), sessionOf(req).csrfToken))
    return next(new HttpError(403, 'CSRF', 'missing or wrong X-CSRF-Token header; reload the page'));
  next();
}

/** Runs a JSON action in-process as the signed-in administrator; a failure becomes an HttpError. */
export async function act<R = any>(
  deps: BffDeps, req: Request, action: string, params: Record<string, unknown>, onWarnings?: (w: string[]) => void,
  /** Told the id of the audit entry the action wrote (issue 13: the Undo offer). */
  onAudited?: (auditId: number) => void,
): Promise<R> {
  const r = await deps.broker.actions.run(
    { action, params, authToken: sessionOf(req).authToken },
    { source: 'bff', remoteAddress: req.ip, ...(onAudited ? { onAudited } : {}) },
  );
  if (r.errorCode !== 0) throw fromEnvelope(r);
  if (onWarnings && r.debugInfo?.warnings?.length) onWarnings(r.debugInfo.warnings.map((w) => w.message));
  return r.result as R;
}

/** Longest `X-Mqdash-Warning` value: far below Node's 16 KiB header limit and any proxy's (issue 12). */
export const MAX_WARNING_HEADER = 1024;

/**
 * Warnings as an `X-Mqdash-Warning` value. They quote the caller's own property names, and Node
 * throws on a header with a control character or one past U+00FF (after the action already ran),
 * so those are written as `\uXXXX` escapes; the value is cut at MAX_WARNING_HEADER.
 */
export function warningHeader(warnings: string[]): string {
  const joined = warnings.join('; ');
  const text = joined.length > MAX_WARNING_HEADER ? joined.slice(0, MAX_WARNING_HEADER) : joined;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c === 9 || (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff) ? text[i] : `\\u${c.toString(16).padStart(4, '0')}`;
  }
  // Escapes can make it six times longer; "..." is ASCII, as a header must be.
  return out.length > MAX_WARNING_HEADER || joined.length > MAX_WARNING_HEADER ? `${out.slice(0, MAX_WARNING_HEADER)}...` : out;
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, where: 'body' | 'query'): z.infer<S> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw fromZod(r.error, input, where);
  return r.data;
}
