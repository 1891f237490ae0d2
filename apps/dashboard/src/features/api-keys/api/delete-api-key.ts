import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { apiKeyKeys, apiKeyPath } from './keys';

/** `DELETE /bff/api-keys/:name` → 204. */
export const deleteApiKey = (name: string): Promise<void> => api.delete<void>(apiKeyPath(name));

export function useDeleteApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteApiKey,
    meta: { errorToast: 'Could not delete the API key' },
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}
