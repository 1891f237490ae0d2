import { listApiKeysParams, type ApiKeyInfo } from '@mqdash/contracts';
import { defineAction } from './types.ts';

/** listApiKeys (mqdash extension): every API key by name, never a secret. */
export const listApiKeys = defineAction({
  name: 'listApiKeys',
  params: listApiKeysParams,
  run(_p, ctx): { data: ApiKeyInfo[] } {
    const { apiKeys } = ctx.core;
    return { data: apiKeys.list().map((k) => apiKeys.info(k)) };
  },
});
