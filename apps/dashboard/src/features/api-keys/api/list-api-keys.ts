import type { ApiKeyInfo } from '@mqdash/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { apiKeyKeys } from './keys';

/** `GET /bff/api-keys`: every key, never a secret. */
export const listApiKeys = async (signal?: AbortSignal): Promise<ApiKeyInfo[]> =>
  (await api.get<{ data: ApiKeyInfo[] }>('/bff/api-keys', { signal })).data;

export const listApiKeysQueryOptions = () => queryOptions({ queryKey: apiKeyKeys.list(), queryFn: ({ signal }) => listApiKeys(signal) });

export const useApiKeys = () => useQuery(listApiKeysQueryOptions());
