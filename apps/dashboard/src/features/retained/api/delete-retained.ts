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
    onSettled: () => queryClient.invalidateQueries({ queryKey: retainedKeys.all }),
  });
}

export const useCountRetained = () => useMutation({ mutationFn: countRetained, meta: { errorToast: false, audited: false } }); // a dry run is not audited;
