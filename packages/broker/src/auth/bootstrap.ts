import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { AuthService } from './auth.ts';
import type { FirstStart } from './first-start.ts';
import { randomSecret } from './password.ts';

export const ADMIN_USERNAME = 'admin';

/**
 * DESIGN §2: the first administrator account `admin` gets ADMIN_PASSWORD, or a generated password
 * written to DATA_DIR/initial-admin-password (mode 0600); the log names the file, never the
 * password. ADMIN_PASSWORD applies only when the account is created. Returns the file when this
 * start generated the password (issue 13: the "listening" log line and the login page say where it is).
 */
export async function ensureAdminAccount(auth: AuthService, dataDir: string, password: string | undefined, log: Logger, firstStart: FirstStart): Promise<string | null> {
  if (auth.hasAccount(ADMIN_USERNAME)) return null;
  if (password) {
    await auth.ensureAccount(ADMIN_USERNAME, password);
    log.info({ username: ADMIN_USERNAME }, 'administrator account created with ADMIN_PASSWORD');
    return null;
  }
  const generated = randomSecret(18);
  const file = path.join(dataDir, 'initial-admin-password');
  fs.writeFileSync(file, `${generated}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  await auth.ensureAccount(ADMIN_USERNAME, generated);
  firstStart.passwordGenerated();
  log.warn({ username: ADMIN_USERNAME, file }, 'administrator account created; its generated password is in this file');
  return file;
}
