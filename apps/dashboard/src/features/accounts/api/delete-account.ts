import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { accountKeys, accountPath } from './keys';

/** `DELETE /bff/accounts/:username`: the account's sign-ins end at once. */
export const deleteAccount = (username: string): Promise<void> => api.delete<void>(accountPath(username));

export function useDeleteAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteAccount,
    meta: { errorToast: 'Could not delete the account' },
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountKeys.all }),
  });
}
