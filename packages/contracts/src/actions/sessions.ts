import { z } from 'zod';
import { utf8String } from '../common.ts';

/** FairCom's createSession: logs an account in and returns an authToken. */
export const createSessionParams = z.object({
  username: utf8String(1, 64),
  password: utf8String(1, 1024),
});
export type CreateSessionParams = z.infer<typeof createSessionParams>;
export interface CreateSessionResult {
  username: string;
  expiresInSeconds: number;
}

/** deleteSession and pingSession act on the request's authToken and take no params. */
export const emptyParams = z.object({});
export interface PingSessionResult {
  username: string;
  expiresInSeconds: number;
}
