import { emptyParams, type PingSessionResult } from '@mqdash/contracts';
import { defineAction } from './types.ts';

/** Keeps the authToken alive and says for how long. */
export const pingSession = defineAction({
  name: 'pingSession',
  params: emptyParams,
  run(_p, ctx): PingSessionResult {
    const info = ctx.core.auth.verify(ctx.authToken)!;
    return { username: info.username, expiresInSeconds: Math.floor(info.expiresInMs / 1000) };
  },
});
