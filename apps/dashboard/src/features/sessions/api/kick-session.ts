import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { sessionPath } from './keys';
import { invalidateAfterRemoval, invalidateSessions } from './session-cache';

/** `POST /bff/sessions/:clientName/kick` → 204: disconnects and deletes the session permanently (EMQX's kick). */
export const kickSession = (clientName: string): Promise<void> => api.post<void>(sessionPath(clientName, '/kick'));

export function useKickSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: kickSession,
    meta: { errorToast: 'Could not kick the session' },
    onSuccess: (_data, clientName) => invalidateAfterRemoval(queryClient, clientName),
    onError: () => invalidateSessions(queryClient),
  });
}
