import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyInfo, Role } from '@mqdash/contracts';
import { iso } from '../registry/format.ts';
import type { ApiKeyRow, ApiKeyStore } from '../store/api-key-store.ts';
import { hashPassword, randomSecret, verifyPassword } from './password.ts';

/** A verified (key, secret) pair is trusted this long without another scrypt (DESIGN §4). */
export const VERIFIED_CACHE_MS = 60_000;
const MAX_CACHED = 10_000;

interface Verified {
  name: string;
  until: number;
  expiresAt: number | null;
}

export interface NewApiKey {
  name: string;
  description: string;
  expiresAt: number | null;
  createdBy: string | null;
  source: ApiKeyRow['source'];
  /** Issue 12: what the key may do. */
  role: Role;
  /** Given by the bootstrap file; generated otherwise. */
  apiKey?: string;
  apiSecret?: string;
}

/**
 * API keys of the EMQX-compatible API: created with a random key and secret (the secret is
 * returned once and stored as a scrypt hash), verified for HTTP Basic auth. A verified pair is
 * cached in memory for VERIFIED_CACHE_MS, keyed by SHA-256(key:secret), so a request does not pay a
 * full scrypt; any change to a key (disable, delete, new secret) empties the cache, so it stops
 * working at once.
 */
export class ApiKeys {
  private readonly verified = new Map<string, Verified>();
  /** Bumped by every change, so a verification that raced with one is not cached. */
  private generation = 0;
  private dummyHash: Promise<string> | null = null;

  constructor(readonly store: ApiKeyStore, private readonly now: () => number = Date.now) {}

  get(name: string): ApiKeyRow | undefined {
    return this.store.get(name);
  }

  list(): ApiKeyRow[] {
    return this.store.list();
  }

  /** Creates a key; undefined when the name (or the given apiKey) is taken. */
  async create(k: NewApiKey): Promise<{ row: ApiKeyRow; apiSecret: string } | undefined> {
    const apiKey = k.apiKey ?? randomBytes(12).toString('hex');
    const apiSecret = k.apiSecret ?? randomSecret(32);
    const secretHash = await hashPassword(apiSecret);
    // Checked after the (async) hash so that nothing can take the name in between.
    if (this.store.get(k.name) || this.store.byApiKey(apiKey)) return undefined;
    const now = this.now();
    const row: ApiKeyRow = {
      name: k.name, apiKey, secretHash, description: k.description, enabled: true, role: k.role, source: k.source,
      createdBy: k.createdBy, createdAt: now, updatedAt: now, expiresAt: k.expiresAt, lastUsedAt: null,
    };
    this.store.insert(row);
    this.changed();
    return { row, apiSecret };
  }

  /** Changes only what is given; undefined for an unknown name. */
  alter(name: string, patch: { enabled?: boolean; description?: string; role?: Role }): ApiKeyRow | undefined {
    const row = this.store.get(name);
    if (!row) return undefined;
    const next = { ...row, ...definedOnly(patch), updatedAt: this.now() };
    this.store.update(next);
    this.changed();
    return next;
  }

  async setSecret(name: string, secret: string): Promise<boolean> {
    const secretHash = await hashPassword(secret);
    const row = this.store.get(name);
    if (!row) return false;
    this.store.update({ ...row, secretHash, updatedAt: this.now() });
    this.changed();
    return true;
  }

  delete(name: string): boolean {
    const deleted = this.store.delete(name);
    this.changed();
    return deleted;
  }

  /** The key's name when the pair is valid, the key enabled and not expired; else null. */
  async verify(apiKey: string, secret: string): Promise<string | null> {
    const now = this.now();
    const id = createHash('sha256').update(`${apiKey}:${secret}`).digest('base64url');
    const hit = this.verified.get(id);
    if (hit && hit.until > now && (hit.expiresAt === null || hit.expiresAt > now)) return hit.name;
    if (hit) this.verified.delete(id);

    const generation = this.generation;
    const row = this.store.byApiKey(apiKey);
    // An unknown key costs a scrypt too, so keys cannot be probed by timing.
    this.dummyHash ??= hashPassword(randomSecret());
    const ok = await verifyPassword(secret, row?.secretHash ?? (await this.dummyHash));
    if (!row || !ok || !usable(row, now)) return null;
    if (generation !== this.generation) {
      // Changed while scrypt ran: answer from the current row and cache nothing.
      const current = this.store.byApiKey(apiKey);
      return current && current.secretHash === row.secretHash && usable(current, now) ? current.name : null;
    }
    if (this.verified.size >= MAX_CACHED) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(id, { name: row.name, until: now + VERIFIED_CACHE_MS, expiresAt: row.expiresAt });
    // Written at most once per cache period per pair.
    this.store.markUsed(row.name, now);
    return row.name;
  }

  info(row: ApiKeyRow): ApiKeyInfo {
    return {
      name: row.name, apiKey: row.apiKey, description: row.description, enabled: row.enabled, role: row.role, source: row.source,
      createdBy: row.createdBy, createdDateTime: iso(row.createdAt)!,
      ...(row.expiresAt !== null ? { expiresAt: iso(row.expiresAt) } : {}),
      expired: row.expiresAt !== null && row.expiresAt <= this.now(),
      ...(row.lastUsedAt !== null ? { lastUsedDateTime: iso(row.lastUsedAt) } : {}),
    };
  }

  private changed(): void {
    this.verified.clear();
    this.generation++;
  }
}

const usable = (row: ApiKeyRow, now: number) => row.enabled && (row.expiresAt === null || row.expiresAt > now);

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
