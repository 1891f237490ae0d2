import type { SessionHistory } from '@mqdash/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { sessionKeys, sessionPath } from './keys';

/** `GET /bff/sessions/:clientName/history`: published, received and backlog per minute over the last hour. */
export const getSessionHistory = (clientName: string, signal?: AbortSignal): Promise<SessionHistory> =>
  api.get<SessionHistory>(sessionPath(clientName, '/history'), { signal });

export const getSessionHistoryQueryOptions = (clientName: string) =>
  queryOptions({
    queryKey: sessionKeys.history(clientName),
    queryFn: ({ signal }) => getSessionHistory(clientName, signal),
    // One new point a minute.
    refetchInterval: (query) => (query.state.error ? false : 60_000),
    staleTime: 30_000,
  });

export const useSessionHistory = (clientName: string) => useQuery(getSessionHistoryQueryOptions(clientName));
