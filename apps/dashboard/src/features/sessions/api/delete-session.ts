import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { sessionPath } from './keys';
import { invalidateAfterRemoval, invalidateSessions } from './session-cache';

export interface DeleteSessionInput {
  clientName: string;
  /** false: disconnect a connected client and mark inactive, keeping its history; true: disconnect and remove everything (FairCom's deleteMqSession). */
  permanent: boolean;
}

export const deleteSession = ({ clientName, permanent }: DeleteSessionInput): Promise<void> =>
  api.delete<void>(sessionPath(clientName), { query: { permanent: String(permanent) } });

export function useDeleteSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSession,
    meta: { errorToast: 'Could not delete the session' },
    onSuccess: (_data, { clientName, permanent }) =>
      permanent ? invalidateAfterRemoval(queryClient, clientName) : invalidateSessions(queryClient),
    onError: () => invalidateSessions(queryClient),
  });
}
