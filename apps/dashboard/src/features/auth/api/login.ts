import type { LoginBody, MeResponse } from '@mqdash/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken } from '../../../lib/api-client';
import { setSignedInHint } from '../lib/signed-in-hint';
import { authKeys } from './get-me';

/** 200 with the account and a CSRF token (the cookie is set); 401 wrong credentials; 429 too many tries. */
export async function login(body: LoginBody): Promise<MeResponse> {
  const me = await api.post<MeResponse>('/bff/login', body, { skipUnauthorizedRedirect: true });
  setCsrfToken(me.csrfToken);
  setSignedInHint(true);
  return me;
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    meta: { errorToast: false, audited: false },
    onSuccess: (me) => {
      // A different account may sign in: nothing cached for the last one may show.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== authKeys.all[0] });
      queryClient.setQueryData(authKeys.me(), me);
    },
  });
}
