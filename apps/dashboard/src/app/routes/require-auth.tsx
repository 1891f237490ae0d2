import { Navigate, Outlet, useLocation } from 'react-router';
import { Spinner } from '../../components/ui/spinner';
import { ErrorState } from '../../components/ui/states';
import { useMe } from '../../features/auth/api/get-me';
import { errorMessage, isApiError } from '../../lib/api-client';
import { loginHref } from '../../lib/redirect';

/** Pages behind the login: wait for `/bff/me`; nobody signed in → login, then back here. */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending)
    return (
      <div className="splash">
        <Spinner label="Loading mqdash…" />
      </div>
    );
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) return <Navigate to={loginHref(location.pathname + location.search)} replace />;
    return (
      <div className="splash">
        <ErrorState title="mqdash cannot reach its server" message={errorMessage(me.error)} onRetry={() => void me.refetch()} />
      </div>
    );
  }
  return <Outlet />;
}
