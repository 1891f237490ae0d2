import type { CreateApiKeyParams, CreateApiKeyResult } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { apiKeyKeys } from './keys';

/** `POST /bff/api-keys` → 201 with the secret, the only time it is shown. */
export const createApiKey = (body: Pick<CreateApiKeyParams, 'name' | 'description' | 'role'>): Promise<CreateApiKeyResult> =>
  api.post<CreateApiKeyResult>('/bff/api-keys', body);

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createApiKey,
    // The form shows the error beside the name.
    meta: { errorToast: false },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}
