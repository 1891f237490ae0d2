import type { AccountInfo, AccountPatchBody } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { accountKeys, accountPath } from './keys';

/** `PATCH /bff/accounts/:username`: a new role applies at once; a new password ends the account's sign-ins. */
export const alterAccount = ({ username, ...patch }: AccountPatchBody & { username: string }): Promise<AccountInfo> =>
  api.patch<AccountInfo>(accountPath(username), patch);

/** `toastErrors` false: the caller shows the error itself (a form beside its field). */
export function useAlterAccount(toastErrors = true) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: alterAccount,
    meta: { errorToast: toastErrors ? 'Could not change the account' : false },
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountKeys.all }),
  });
}
