import type { DeleteRetainedMessagesParams, DeleteRetainedMessagesResult } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { retainedKeys } from './keys';

type DeleteTarget = Pick<DeleteRetainedMessagesParams, 'topic' | 'topicFilter'>;

/** `POST /bff/retained/delete`: one topic or every match of a filter; gone from the broker and the database. */
export const deleteRetained = (target: DeleteTarget): Promise<DeleteRetainedMessagesResult> =>
  api.post<DeleteRetainedMessagesResult>('/bff/retained/delete', { ...target, dryRun: false });

/** The same with `dryRun`: how many a delete would remove, for the confirmation. */
export const countRetained = (target: DeleteTarget): Promise<DeleteRetainedMessagesResult> =>
  api.post<DeleteRetainedMessagesResult>('/bff/retained/delete', { ...target, dryRun: true });

export function useDeleteRetained() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteRetained,
    meta: { errorToast: 'Could not delete the retained messages' },
    onSettled: () => {
      // A deleted message's preview is closed, not refetched (it would only answer 404).
      queryClient.removeQueries({ queryKey: retainedKeys.messages() });
      return queryClient.invalidateQueries({ queryKey: retainedKeys.lists() });
    },
  });
}

export const useCountRetained = () => useMutation({ mutationFn: countRetained, meta: { errorToast: false, audited: false } }); // a dry run is not audited;
