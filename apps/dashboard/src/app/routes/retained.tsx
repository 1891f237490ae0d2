import { useSearchParams } from 'react-router';
import { RetainedBrowser } from '../../features/retained/components/retained-browser';
import { fromSearchParams, toSearchParams } from '../../features/retained/lib/list-state';

/** Retained page (issue 14): the retained-message browser, its search and page in the URL. */
export function RetainedRoute() {
  const [params, setParams] = useSearchParams();
  return (
    <div className="page page-medium">
      <title>Retained · mqdash</title>
      <div className="page-header">
        <h1 className="page-title">Retained</h1>
      </div>
      <RetainedBrowser state={fromSearchParams(params)} onStateChange={(next) => setParams(toSearchParams(next))} />
    </div>
  );
}
