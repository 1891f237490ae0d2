import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router/dom';
import { Toaster } from '../components/ui/toaster';
import { authKeys } from '../features/auth/api/get-me';
import { setSignedInHint } from '../features/auth/lib/signed-in-hint';
import { setUnauthorizedHandler } from '../lib/api-client';
import { queryClient } from '../lib/query-client';
import { loginHref } from '../lib/redirect';
import { router } from './router';

// A 401 from any request (STYLE #14): forget the account, go to the login page, come back after.
setUnauthorizedHandler(() => {
  setSignedInHint(false);
  queryClient.removeQueries({ queryKey: authKeys.me() });
  const { pathname, search } = router.state.location;
  if (pathname !== '/login') void router.navigate(loginHref(pathname + search), { replace: true });
});

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      <Toaster />
    </QueryClientProvider>
  );
}
