import { alterApiKeyParams, type ApiKeyInfo } from '@mqdash/contracts';
import { accountOnly, apiKeyTarget, unknownApiKey } from './api-key-guard.ts';
import { defineAction } from './types.ts';

/** alterApiKey (mqdash extension): enables or disables a key, changes its description or role. Each takes effect at the key's next request. */
export const alterApiKey = defineAction({
  name: 'alterApiKey',
  params: alterApiKeyParams,
  audit: apiKeyTarget,
  run(p, ctx): ApiKeyInfo {
    accountOnly(ctx);
    const { apiKeys } = ctx.core;
    const row = apiKeys.alter(p.name, { enabled: p.enabled, description: p.description, role: p.role });
    if (!row) throw unknownApiKey(p.name);
    return apiKeys.info(row);
  },
});
