import type { CreateLabelParams, LabelInfo } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { labelKeys } from './list-labels';

export type NewLabel = Pick<CreateLabelParams, 'group' | 'name'> & Partial<Pick<CreateLabelParams, 'description' | 'metadata'>>;

/** `POST /bff/labels`: FairCom's createLabel. */
export const createLabel = (label: NewLabel): Promise<LabelInfo> => api.post<LabelInfo>('/bff/labels', label);

export function useCreateLabel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createLabel,
    meta: { errorToast: 'Could not create the label' },
    onSettled: () => queryClient.invalidateQueries({ queryKey: labelKeys.all }),
  });
}
