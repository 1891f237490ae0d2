import type { PublishBody, PublishMessagesToMqResult } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { topicMessagesKeys } from './get-topic-messages';

/** `POST /bff/sessions/:clientName/messages`: one message published as that session. */
export const publishMessage = ({ clientName, message }: { clientName: string; message: PublishBody }): Promise<PublishMessagesToMqResult> =>
  api.post<PublishMessagesToMqResult>(`/bff/sessions/${encodeURIComponent(clientName)}/messages`, message);

export function usePublishMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: publishMessage,
    // The form shows the error beside its fields.
    meta: { errorToast: false },
    onSuccess: (_result, { message }) => queryClient.invalidateQueries({ queryKey: topicMessagesKeys.topic(message.topic) }),
  });
}
