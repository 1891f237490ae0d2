import { tooManyAttemptsMessage, type Reservation } from '../auth/sign-in-limiter.ts';
import { ActionError, type ActionContext } from './types.ts';

/**
 * Reserves an administrator password check with the sign-in limiter (issue 12) before the
 * password is verified, or refuses with tooManyAttempts (HTTP 429 at `/api` and `/bff`) and the
 * seconds to wait in errorData.retryAfterSeconds.
 */
export async function reserveAdminSignIn(ctx: ActionContext, username: string): Promise<Reservation> {
  const r = await ctx.core.signInLimiter.reserve({ realm: 'admin', door: ctx.source, address: ctx.remoteAddress, account: username });
  if (!r.ok) throw new ActionError('tooManyAttempts', tooManyAttemptsMessage(r), { retryAfterSeconds: r.retryAfterSeconds });
  return r;
}

/** Runs the check with the reservation held: settles it by the answer, or releases it if the check itself failed. */
export async function checkedSignIn<T>(attempt: Reservation, check: () => Promise<T | null | false>, reason: () => string): Promise<T | null> {
  let result: T | null | false;
  try {
    result = await check();
  } catch (err) {
    attempt.release();
    throw err;
  }
  if (result === null || result === false) {
    await attempt.fail(reason());
    return null;
  }
  attempt.succeed();
  return result;
}
