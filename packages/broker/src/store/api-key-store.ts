import type Database from 'better-sqlite3';
import type { Role } from '@mqdash/contracts';

/** One row of `api_keys` (store/schema.ts `schemaExtensions`). Times are epoch ms. */
export interface ApiKeyRow {
  name: string;
  apiKey: string;
  /** scrypt hash (auth/password.ts); the secret itself is never stored. */
  secretHash: string;
  description: string;
  enabled: boolean;
  /** Issue 12 (migration 2026-12-02-admin-roles); keys from before roles are administrators. */
  role: Role;
  source: 'dashboard' | 'bootstrapFile';
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

type DbRow = Record<string, unknown>;

const fromDb = (r: DbRow): ApiKeyRow => ({
  name: r.name as string,
  apiKey: r.api_key as string,
  secretHash: r.secret_hash as string,
  description: r.description as string,
  enabled: r.enabled === 1,
  role: r.role as Role,
  source: r.source as ApiKeyRow['source'],
  createdBy: r.created_by as string | null,
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
  expiresAt: r.expires_at as number | null,
  lastUsedAt: r.last_used_at as number | null,
});

/** The API keys of the EMQX-compatible API, on the store's SQLite database. */
export class ApiKeyStore {
  private readonly q;

  constructor(db: Database.Database) {
    this.q = {
      byName: db.prepare('SELECT * FROM api_keys WHERE name = ?'),
      byKey: db.prepare('SELECT * FROM api_keys WHERE api_key = ?'),
      all: db.prepare('SELECT * FROM api_keys ORDER BY name'),
      insert: db.prepare(`INSERT INTO api_keys (name, api_key, secret_hash, description, enabled, role, source, created_by, created_at, updated_at, expires_at)
        VALUES (@name, @apiKey, @secretHash, @description, @enabled, @role, @source, @createdBy, @createdAt, @updatedAt, @expiresAt)`),
      update: db.prepare(`UPDATE api_keys SET enabled = @enabled, description = @description, role = @role, secret_hash = @secretHash, updated_at = @updatedAt
        WHERE name = @name`),
      used: db.prepare('UPDATE api_keys SET last_used_at = ? WHERE name = ?'),
      delete: db.prepare('DELETE FROM api_keys WHERE name = ?'),
    };
  }

  get(name: string): ApiKeyRow | undefined {
    const r = this.q.byName.get(name) as DbRow | undefined;
    return r && fromDb(r);
  }

  byApiKey(apiKey: string): ApiKeyRow | undefined {
    const r = this.q.byKey.get(apiKey) as DbRow | undefined;
    return r && fromDb(r);
  }

  list(): ApiKeyRow[] {
    return (this.q.all.all() as DbRow[]).map(fromDb);
  }

  insert(k: Omit<ApiKeyRow, 'lastUsedAt'>): void {
    this.q.insert.run({ ...k, enabled: k.enabled ? 1 : 0 });
  }

  /** Changes enabled, description, role and the secret hash of an existing key. */
  update(k: Pick<ApiKeyRow, 'name' | 'enabled' | 'description' | 'role' | 'secretHash' | 'updatedAt'>): boolean {
    return this.q.update.run({ ...k, enabled: k.enabled ? 1 : 0 }).changes > 0;
  }

  markUsed(name: string, at: number): void {
    this.q.used.run(at, name);
  }

  delete(name: string): boolean {
    return this.q.delete.run(name).changes > 0;
  }
}
