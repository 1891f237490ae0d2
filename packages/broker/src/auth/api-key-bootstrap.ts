import fs from 'node:fs';
import type { Logger } from 'pino';
import { apiKeyIdSchema } from '@mqdash/contracts';
import type { AuditLog } from '../audit.ts';
import type { ApiKeys } from './api-keys.ts';
import { verifyPassword } from './password.ts';

export interface BootstrapEntry {
  line: number;
  apiKey: string;
  secret: string;
}

const fail = (file: string, line: number, why: string) => new Error(`API_KEY_BOOTSTRAP_FILE ${file} line ${line}: ${why}`);

/**
 * DESIGN §2: `key:secret` lines, split at the first `:` (so a secret may contain `:`); blank lines
 * and lines starting with `#` are ignored; surrounding spaces are trimmed. Errors name the line,
 * never the secret.
 */
export function parseApiKeyBootstrap(text: string, file: string): BootstrapEntry[] {
  const entries: BootstrapEntry[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    if (s === '' || s.startsWith('#')) return;
    const at = s.indexOf(':');
    if (at < 0) throw fail(file, line, 'expected key:secret');
    const apiKey = s.slice(0, at).trim();
    const secret = s.slice(at + 1).trim();
    const key = apiKeyIdSchema.safeParse(apiKey);
    if (!key.success) throw fail(file, line, `the key ${key.error.issues[0]!.message} (1 to 128 characters)`);
    if (secret === '') throw fail(file, line, 'the secret is empty');
    if (seen.has(apiKey)) throw fail(file, line, `the key ${JSON.stringify(apiKey)} appears twice`);
    seen.add(apiKey);
    entries.push({ line, apiKey, secret });
  });
  return entries;
}

/**
 * Applies the file at start: a key not in the store is created (named after the key, enabled);
 * a key whose secret differs gets the file's secret. Keys removed from the file, and whether a
 * key is enabled, are left alone, so a key disabled in the dashboard stays disabled.
 */
export async function applyApiKeyBootstrapFile(keys: ApiKeys, file: string, audit: AuditLog, log: Logger): Promise<{ created: number; updated: number }> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read API_KEY_BOOTSTRAP_FILE ${file}: ${(err as Error).message}`, { cause: err });
  }
  let created = 0;
  let updated = 0;
  const record = (action: string, name: string) =>
    audit.record({ actor: 'API_KEY_BOOTSTRAP_FILE', action, target: `apikey:${name}`, errorCode: 0, details: { source: 'internal', file } });
  for (const e of parseApiKeyBootstrap(text, file)) {
    const row = keys.store.byApiKey(e.apiKey);
    if (row) {
      if (await verifyPassword(e.secret, row.secretHash)) continue;
      await keys.setSecret(row.name, e.secret);
      record('alterApiKey', row.name);
      updated++;
      continue;
    }
    const made = await keys.create({
      name: e.apiKey, apiKey: e.apiKey, apiSecret: e.secret, description: 'from API_KEY_BOOTSTRAP_FILE',
      // Issue 12: keys from the file are administrators (its format has no role).
      expiresAt: null, createdBy: null, source: 'bootstrapFile', role: 'administrator',
    });
    if (!made) throw fail(file, e.line, `an API key named ${JSON.stringify(e.apiKey)} already exists with another key; rename or delete it in the dashboard`);
    record('createApiKey', e.apiKey);
    created++;
  }
  log.info({ file, created, updated }, 'API key bootstrap file applied');
  return { created, updated };
}
