import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateSessions } from './session-cache';
import { sessionPath } from './keys';

export interface DisconnectResult {
  clientName: string;
  wasConnected: boolean;
}

/** Ends the connection (MQTT 5 reason 0x98) and keeps the session. */
export const disconnectSession = (clientName: string): Promise<DisconnectResult> => api.post<DisconnectResult>(sessionPath(clientName, '/disconnect'));

export function useDisconnectSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: disconnectSession,
    meta: { errorToast: 'Could not disconnect the session' },
    onSettled: () => invalidateSessions(queryClient),
  });
}
