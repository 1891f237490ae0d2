import { recordChanges } from './audit-changes.ts';
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
    const before = apiKeys.get(p.name);
    const row = apiKeys.alter(p.name, { enabled: p.enabled, description: p.description, role: p.role });
    if (!row) throw unknownApiKey(p.name);
    recordChanges(ctx, before && apiKeys.info(before), apiKeys.info(row), { ignore: ['createdDateTime', 'updatedDateTime', 'sessionCount', 'connectedClients', 'passwordChangedDateTime', 'createdBy'] });
    return apiKeys.info(row);
  },
});
