import type { SessionsPage } from '@mqdash/contracts';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { sessionKeys } from './keys';

/** `GET /bff/sessions`: the server filters, sorts and pages (STYLE #9). */
export const listSessions = (query: Record<string, string>, signal?: AbortSignal): Promise<SessionsPage> =>
  api.get<SessionsPage>('/bff/sessions', { query, signal });

export const listSessionsQueryOptions = (query: Record<string, string>) =>
  queryOptions({
    queryKey: sessionKeys.list(query),
    queryFn: ({ signal }) => listSessions(query, signal),
    // Keep showing the last page while the next one loads: no flash of an empty table.
    placeholderData: keepPreviousData,
  });

/** `refetchInterval`: polling while the live feed is down (the route knows); live, the feed patches the cache. */
export const useSessions = (query: Record<string, string>, { refetchInterval = false }: { refetchInterval?: number | false } = {}) =>
  useQuery({ ...listSessionsQueryOptions(query), refetchInterval });
