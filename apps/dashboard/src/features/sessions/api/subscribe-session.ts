import type { SessionDetail, SubscribeBody } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { sessionPath } from './keys';
import { setSessionDetail, invalidateSessions } from './session-cache';

export interface SubscribeInput extends SubscribeBody {
  clientName: string;
}

/** Adds a subscription for the session (live connection or stored session); returns the new detail. */
export const subscribeSession = ({ clientName, ...body }: SubscribeInput): Promise<SessionDetail> =>
  api.post<SessionDetail>(sessionPath(clientName, '/subscriptions'), body);

export function useSubscribeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: subscribeSession,
    meta: { errorToast: false },
    onSuccess: (detail) => setSessionDetail(queryClient, detail),
    onSettled: () => invalidateSessions(queryClient),
  });
}
