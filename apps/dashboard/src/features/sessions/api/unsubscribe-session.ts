import type { SessionDetail } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { sessionPath } from './keys';
import { setSessionDetail, invalidateSessions } from './session-cache';

export interface UnsubscribeInput {
  clientName: string;
  topicFilter: string;
}

export const unsubscribeSession = ({ clientName, topicFilter }: UnsubscribeInput): Promise<SessionDetail> =>
  api.delete<SessionDetail>(sessionPath(clientName, '/subscriptions'), { query: { topicFilter } });

export function useUnsubscribeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: unsubscribeSession,
    meta: { errorToast: 'Could not remove the subscription' },
    onSuccess: (detail) => setSessionDetail(queryClient, detail),
    onSettled: () => invalidateSessions(queryClient),
  });
}
