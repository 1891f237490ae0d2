import type { AccountInfo, CreateAccountInput } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { accountKeys } from './keys';

/** `POST /bff/accounts` → 201 with the account (never its password). */
export const createAccount = (body: CreateAccountInput): Promise<AccountInfo> => api.post<AccountInfo>('/bff/accounts', body);

export function useCreateAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createAccount,
    // The form shows the error beside its field.
    meta: { errorToast: false },
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountKeys.all }),
  });
}
