import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { errorMessage } from '../../lib/api-client';
import { Button } from '../ui/button';

/** A page that failed to render: say so, offer a reload and a way back, keep the rest of the app. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : errorMessage(error);
  return (
    <div className="page page-narrow">
      <title>Error · mqdash</title>
      <div className="state state-error" role="alert">
        <div>
          <h1 className="page-title">This page failed</h1>
          <p className="state-text">{message}</p>
          <div className="state-actions">
            <Button variant="primary" onPress={() => window.location.reload()}>Reload</Button>
            <Link to="/sessions" className="btn btn-ghost">Go to sessions</Link>
          </div>
        </div>
      </div>
    </div>
  );
}
