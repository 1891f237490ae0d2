import type { ApiKeyInfo, Role } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { apiKeyKeys, apiKeyPath } from './keys';

/** `PATCH /bff/api-keys/:name {enabled}`: a disabled key is refused at once. */
export const setApiKeyEnabled = ({ name, enabled }: { name: string; enabled: boolean }): Promise<ApiKeyInfo> =>
  api.patch<ApiKeyInfo>(apiKeyPath(name), { enabled });

export function useSetApiKeyEnabled() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setApiKeyEnabled,
    meta: { errorToast: 'Could not change the API key' },
    onSuccess: (key) =>
      queryClient.setQueryData<ApiKeyInfo[]>(apiKeyKeys.list(), (keys) => keys?.map((k) => (k.name === key.name ? key : k))),
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}

/** `PATCH /bff/api-keys/:name {role}`: applies to the key's next request (issue 12). */
export const setApiKeyRole = ({ name, role }: { name: string; role: Role }): Promise<ApiKeyInfo> =>
  api.patch<ApiKeyInfo>(apiKeyPath(name), { role });

export function useSetApiKeyRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setApiKeyRole,
    meta: { errorToast: 'Could not change the API key' },
    onSuccess: (key) =>
      queryClient.setQueryData<ApiKeyInfo[]>(apiKeyKeys.list(), (keys) => keys?.map((k) => (k.name === key.name ? key : k))),
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}
