import type { SessionDetail } from '@mqdash/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, isApiError } from '../../../lib/api-client';
import { sessionKeys, sessionPath } from './keys';

/** `GET /bff/sessions/:clientName`: everything describeMqSessions returns (404 SESSION_NOT_FOUND). */
export const getSession = (clientName: string, signal?: AbortSignal): Promise<SessionDetail> =>
  api.get<SessionDetail>(sessionPath(clientName), { signal });

export const getSessionQueryOptions = (clientName: string) =>
  queryOptions({
    queryKey: sessionKeys.detail(clientName),
    queryFn: ({ signal }) => getSession(clientName, signal),
    // Stats move every second; a detail page refreshes itself until the live feed does it.
    refetchInterval: (query) => (query.state.error ? false : 10_000),
  });

export const useSession = (clientName: string) => useQuery(getSessionQueryOptions(clientName));

export const isSessionNotFound = (error: unknown): boolean => isApiError(error) && (error.status === 404 || error.code === 'SESSION_NOT_FOUND');
