import { z } from 'zod';
import { utf8String } from '../common.ts';

/** FairCom's createSession: logs an account in and returns an authToken. */
export const createSessionParams = z.object({
  username: utf8String(1, 64),
  password: utf8String(1, 1024),
});
export type CreateSessionParams = z.infer<typeof createSessionParams>;
export interface CreateSessionResult {
  /** FairCom's examples read the token here; the envelope's authToken is the same. */
  authToken: string;
  username: string;
  expiresInSeconds: number;
  /** A token unused this long ends (FairCom's idleConnectionTimeoutSeconds). */
  idleConnectionTimeoutSeconds: number;
  /** ISO 8601, UTC. */
  sessionStartTimestamp: string;
  sessionLastAccessedTimestamp: string;
}

/** deleteSession and pingSession act on the request's authToken and take no params. */
export const emptyParams = z.object({});
/** pingSession: `{}` without an authToken (the server is alive), the token's facts with one. */
export type PingSessionResult = Record<string, never> | {
  username: string;
  expiresInSeconds: number;
};
