import type { FirstStartResponse } from '@mqdash/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { authKeys } from './get-me';

/** `GET /bff/first-start` (unauthenticated): whether nobody has signed in since the first password was generated. */
export const getFirstStart = (signal?: AbortSignal): Promise<FirstStartResponse> =>
  api.get<FirstStartResponse>('/bff/first-start', { signal, skipUnauthorizedRedirect: true });

export const firstStartQueryOptions = () =>
  queryOptions({
    queryKey: [...authKeys.all, 'first-start'] as const,
    queryFn: ({ signal }) => getFirstStart(signal),
    retry: false,
  });

export const useFirstStart = () => useQuery(firstStartQueryOptions());
