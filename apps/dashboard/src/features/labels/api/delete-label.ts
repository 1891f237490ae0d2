import type { DeleteLabelResult } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateLabelsAndSessions } from './list-labels';

/** `DELETE /bff/labels/:id`: the sessions that carried it carry no label afterwards. */
export const deleteLabel = (id: number): Promise<DeleteLabelResult> => api.delete<DeleteLabelResult>(`/bff/labels/${id}`);

export function useDeleteLabel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteLabel,
    meta: { errorToast: 'Could not delete the label' },
    onSettled: () => invalidateLabelsAndSessions(queryClient),
  });
}
