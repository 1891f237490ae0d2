import { MutationCache, QueryClient } from '@tanstack/react-query';
import { errorMessage, isApiError } from './api-client';
import { toast } from './toast';

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: {
      /** Title of the failure toast; `false` when the form shows the error beside its fields. */
      errorToast?: string | false;
      /** false: not an audited change (sign in, sign out), so the audit timelines stay as they are. */
      audited?: boolean;
    };
  }
}

/** A 4xx will not get better by asking again; a 5xx or a network failure might. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

export const queryClient: QueryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 5_000, retry: shouldRetry, refetchOnWindowFocus: true },
    mutations: { retry: false },
  },
  mutationCache: new MutationCache({
    // One error path (STYLE #14): failed mutations toast here, not in each component.
    onError: (error, _variables, _context, mutation) => {
      const title = mutation.meta?.errorToast;
      if (title === false || (isApiError(error) && error.status === 401)) return;
      toast.error(title ?? 'The action failed', errorMessage(error));
    },
    // Every state-changing action is audited (DESIGN §3): refresh the timelines.
    onSettled: (_data, _error, _variables, _context, mutation) =>
      mutation.meta?.audited === false ? undefined : queryClient.invalidateQueries({ queryKey: ['audit'] }),
  }),
});
