import { Link } from 'react-router';

export function NotFoundRoute() {
  return (
    <div className="page page-narrow">
      <title>Not found · mqdash</title>
      <h1 className="page-title">Page not found</h1>
      <p className="muted">There is nothing at this address.</p>
      <p>
        <Link to="/sessions">Go to sessions</Link>
      </p>
    </div>
  );
}
