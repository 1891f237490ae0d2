import { deleteApiKeyParams } from '@mqdash/contracts';
import { accountOnly, apiKeyTarget, unknownApiKey } from './api-key-guard.ts';
import { defineAction } from './types.ts';

/** deleteApiKey (mqdash extension): the key is refused from the next request on. */
export const deleteApiKey = defineAction({
  name: 'deleteApiKey',
  params: deleteApiKeyParams,
  audit: apiKeyTarget,
  run(p, ctx): { name: string; deleted: true } {
    accountOnly(ctx);
    if (!ctx.core.apiKeys.delete(p.name)) throw unknownApiKey(p.name);
    return { name: p.name, deleted: true };
  },
});
