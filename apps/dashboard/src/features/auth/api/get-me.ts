import type { MeResponse } from '@mqdash/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken } from '../../../lib/api-client';
import { hasSignedInHint, setSignedInHint } from '../lib/signed-in-hint';

export const authKeys = {
  all: ['auth'] as const,
  me: () => [...authKeys.all, 'me'] as const,
};

/** Who is signed in; a 401 means nobody (the guard sends the user to the login page). */
export async function getMe(signal?: AbortSignal): Promise<MeResponse> {
  // Signed out in this browser: answer as the server would, without a request (see the hint).
  if (!hasSignedInHint()) throw new ApiError(401, 'UNAUTHENTICATED', 'sign in first');
  try {
    const me = await api.get<MeResponse>('/bff/me', { signal, skipUnauthorizedRedirect: true });
    setCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) setSignedInHint(false);
    throw error;
  }
}

export const meQueryOptions = () =>
  queryOptions({
    queryKey: authKeys.me(),
    queryFn: ({ signal }) => getMe(signal),
    staleTime: 5 * 60_000,
    retry: false,
  });

export const useMe = () => useQuery(meQueryOptions());
