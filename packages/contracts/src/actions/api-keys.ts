import { z } from 'zod';
import { utf8String } from '../common.ts';
import { roleSchema, type Role } from '../roles.ts';

/**
 * API keys for the EMQX-compatible API (`/api/v5`, DESIGN §4): HTTP Basic auth with `apiKey` as
 * the user and `apiSecret` as the password. Created in the dashboard (createApiKey) or from
 * API_KEY_BOOTSTRAP_FILE (DESIGN §2). The secret is returned once, by createApiKey, and stored
 * only as a scrypt hash.
 */

/** Letters, digits and `_ . ~ -`: safe in a URL path segment (`/bff/api-keys/:name`) and never a `:`. */
const NAME_PATTERN = /^[A-Za-z0-9_.~-]+$/;

export const apiKeyNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(NAME_PATTERN, 'must be letters, digits, "_", ".", "~" or "-"');

/** A key as it appears in `key:secret` lines and Basic auth: no `:` (Basic auth splits there). */
export const apiKeyIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(NAME_PATTERN, 'must be letters, digits, "_", ".", "~" or "-"');

/** RFC 3339 date-time with an offset (`2030-01-01T00:00:00Z`, `…+02:00`). */
export const rfc3339Schema = z.iso.datetime({ offset: true });

export const createApiKeyParams = z.object({
  name: apiKeyNameSchema,
  description: utf8String(0, 1024).default(''),
  /** When the key stops working; omitted: never. Must be in the future. */
  expiresAt: rfc3339Schema.optional(),
  /** What the key may do (issue 12); least privilege unless given. */
  role: roleSchema.default('viewer'),
});
export type CreateApiKeyParams = z.infer<typeof createApiKeyParams>;

export const listApiKeysParams = z.object({});

export const alterApiKeyParams = z.object({
  name: apiKeyNameSchema,
  /** false: the key is refused at once (verified secrets are forgotten). */
  enabled: z.boolean().optional(),
  description: utf8String(0, 1024).optional(),
  /** Applies to the key's next request. */
  role: roleSchema.optional(),
});
export type AlterApiKeyParams = z.infer<typeof alterApiKeyParams>;

export const deleteApiKeyParams = z.object({ name: apiKeyNameSchema });
export type DeleteApiKeyParams = z.infer<typeof deleteApiKeyParams>;

/** An API key as listApiKeys returns it: never the secret. */
export interface ApiKeyInfo {
  name: string;
  apiKey: string;
  description: string;
  enabled: boolean;
  /** What the key may do; keys from the bootstrap file and from before roles are administrators. */
  role: Role;
  /** `dashboard` (createApiKey) or `bootstrapFile` (API_KEY_BOOTSTRAP_FILE). */
  source: 'dashboard' | 'bootstrapFile';
  /** Who created it (`admin`, …); null for the bootstrap file. */
  createdBy: string | null;
  createdDateTime: string;
  expiresAt?: string;
  /** true when expiresAt has passed: the key is refused. */
  expired: boolean;
  /** Last successful use, to the minute. */
  lastUsedDateTime?: string;
}

/** createApiKey's result: the only time the secret is shown. */
export interface CreateApiKeyResult extends ApiKeyInfo {
  apiSecret: string;
}

/** `PATCH /bff/api-keys/:name`: enable/disable, describe. */
export const apiKeyPatchBody = alterApiKeyParams.omit({ name: true });
export type ApiKeyPatchBody = z.infer<typeof apiKeyPatchBody>;
