import type { CreateMqApiSessionParams, SessionDetail } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { setSessionDetail, invalidateSessions } from './session-cache';

/** `POST /bff/mq-api-sessions` (seed 003); 409 NAME_IN_USE when the name is taken. */
export const createMqApiSession = (params: Partial<CreateMqApiSessionParams>): Promise<SessionDetail> =>
  api.post<SessionDetail>('/bff/mq-api-sessions', params);

export function useCreateMqApiSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createMqApiSession,
    meta: { errorToast: false },
    onSuccess: (detail) => setSessionDetail(queryClient, detail),
    onSettled: () => invalidateSessions(queryClient),
  });
}
