import type { LabelAlterBody, LabelInfo } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateLabelsAndSessions } from './list-labels';

/** `PATCH /bff/labels/:id`: rename, recolour (metadata.color), deprecate; sessions keep the label. */
export const alterLabel = ({ id, ...changes }: LabelAlterBody & { id: number }): Promise<LabelInfo> =>
  api.patch<LabelInfo>(`/bff/labels/${id}`, changes);

export function useAlterLabel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: alterLabel,
    meta: { errorToast: 'Could not change the label' },
    onSettled: () => invalidateLabelsAndSessions(queryClient),
  });
}
