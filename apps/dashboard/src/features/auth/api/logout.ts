import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken } from '../../../lib/api-client';
import { setSignedInHint } from '../lib/signed-in-hint';
import { authKeys } from './get-me';

export async function logout(): Promise<void> {
  await api.post<void>('/bff/logout', undefined, { skipUnauthorizedRedirect: true });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    meta: { errorToast: 'Sign out failed', audited: false },
    onSuccess: () => {
      // Forgetting the account makes the guard leave the signed-in pages (a local 401, no
      // request); the other cached data goes when the next account signs in (useLogin). Clearing
      // everything now would make the still-mounted table refetch and meet a 401.
      setSignedInHint(false);
      setCsrfToken(null);
      queryClient.removeQueries({ queryKey: authKeys.me() });
    },
  });
}
