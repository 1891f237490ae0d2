import { createApiKeyParams, type CreateApiKeyResult } from '@mqdash/contracts';
import { accountOnly, apiKeyTarget } from './api-key-guard.ts';
import { ActionError, defineAction } from './types.ts';

/**
 * createApiKey (mqdash extension, DESIGN §4): a key and secret for the EMQX-compatible API. The
 * secret is in this result only; the store keeps its scrypt hash.
 */
export const createApiKey = defineAction({
  name: 'createApiKey',
  params: createApiKeyParams,
  audit: apiKeyTarget,
  async run(p, ctx): Promise<CreateApiKeyResult> {
    accountOnly(ctx);
    const { apiKeys } = ctx.core;
    const expiresAt = p.expiresAt === undefined ? null : Date.parse(p.expiresAt);
    if (expiresAt !== null && expiresAt <= Date.now())
      throw new ActionError('outOfLimits', 'params.expiresAt: must be in the future', { property: 'params.expiresAt', value: p.expiresAt });
    const inUse = () => new ActionError('nameInUse', `params.name: an API key named ${JSON.stringify(p.name)} already exists`, { property: 'params.name', value: p.name });
    if (apiKeys.get(p.name)) throw inUse();
    const made = await apiKeys.create({ name: p.name, description: p.description, expiresAt, createdBy: ctx.user!.username, source: 'dashboard', role: p.role });
    if (!made) throw inUse();
    return { ...apiKeys.info(made.row), apiSecret: made.apiSecret };
  },
});
