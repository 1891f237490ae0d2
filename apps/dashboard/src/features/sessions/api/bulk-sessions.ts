import type { BulkAction, BulkBody, BulkResult, SessionStatus } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { sessionKeys } from './keys';
import { patchSessions, restoreSessions, snapshotSessions, invalidateSessions } from './session-cache';

/** The status each bulk action leads to; kick changes none. */
export const bulkStatus: Record<BulkAction, SessionStatus | null> = {
  hide: 'hidden',
  unhide: 'normal',
  ban: 'banned',
  unban: 'normal',
  markInactive: 'inactive',
  kick: null,
};

/** `POST /bff/sessions/bulk`: named sessions, or every session matching a filter. */
export const bulkSessions = (body: BulkBody): Promise<BulkResult> => api.post<BulkResult>('/bff/sessions/bulk', body);

export function useBulkSessions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: bulkSessions,
    meta: { errorToast: 'The bulk action failed' },
    onMutate: async (body) => {
      const status = bulkStatus[body.action];
      if (!status || !body.clientNames) return undefined;
      await queryClient.cancelQueries({ queryKey: sessionKeys.all });
      const snapshot = snapshotSessions(queryClient);
      patchSessions(queryClient, body.clientNames, { sessionStatus: status });
      return { snapshot };
    },
    onError: (_error, _body, context) => restoreSessions(queryClient, context?.snapshot),
    // Per-session failures come back in a 200: the refetch shows the true state of each.
    onSettled: () => invalidateSessions(queryClient),
  });
}
