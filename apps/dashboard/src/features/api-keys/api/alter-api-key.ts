import type { ApiKeyInfo, ApiKeyPatchBody } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { apiKeyKeys, apiKeyPath } from './keys';

/** `PATCH /bff/api-keys/:name {enabled?, description?, role?}`: each applies to the key's next request. */
export const alterApiKey = ({ name, ...patch }: ApiKeyPatchBody & { name: string }): Promise<ApiKeyInfo> =>
  api.patch<ApiKeyInfo>(apiKeyPath(name), patch);

/** One per control (enable/disable, role), so each shows its own pending state. */
export function useAlterApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: alterApiKey,
    meta: { errorToast: 'Could not change the API key' },
    onSuccess: (key) =>
      queryClient.setQueryData<ApiKeyInfo[]>(apiKeyKeys.list(), (keys) => keys?.map((k) => (k.name === key.name ? key : k))),
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}
