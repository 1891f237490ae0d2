import type { Store } from '../store/types.ts';
import { hashPassword, randomSecret } from './password.ts';

/** What else a password reset clears (the CLI passes them; a feature that keeps more per account adds one). */
export interface PasswordResetHooks {
  /** Clears the account's sign-in lockout: the stored sign-in limiter's `clearLockout(db, account)` (issue 12). */
  clearLockout?: (username: string) => void | Promise<void>;
}

export class PasswordResetError extends Error {}

/**
 * `mqdash reset-admin-password` (issue 14): a new random password for an administrator account,
 * written straight to the database (shell access to the data folder is the authority). Works
 * beside a running server: its authTokens end at their next use, since they were issued under the
 * old password hash (AuthService.verify). Audited with the operating-system user as the actor.
 */
export async function resetAccountPassword(
  store: Store, username: string, o: { actor: string; details?: Record<string, unknown>; hooks?: PasswordResetHooks; now?: () => number },
): Promise<{ username: string; password: string }> {
  const now = o.now ?? Date.now;
  const account = store.getAccount(username);
  if (!account) throw new PasswordResetError(`no administrator account is named ${JSON.stringify(username)}`);
  const password = randomSecret(18);
  const passwordHash = await hashPassword(password);
  store.transaction(() => {
    store.putAccount({ ...account, passwordHash, updatedAt: now() });
    store.appendAudit({
      ts: now(), actor: o.actor, action: 'resetAdminPassword', target: `account:${username}`, errorCode: 0,
      details: { source: 'cli', tokensRevoked: true, ...o.details },
    });
  });
  await o.hooks?.clearLockout?.(username);
  return { username, password };
}
