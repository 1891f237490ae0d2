import { Link } from 'react-router';
import { Alert } from '../../../components/ui/icons';
import { formatRelative } from '../../../lib/format';
import { useFiringAlerts } from '../api/alert-rules';
import { measured, ruleSentence } from '../lib/alert-words';

/** Rules listed by name in the banner; beyond, "and N more". */
const SHOWN = 3;

/**
 * Issue 13: a banner above every screen while any alert rule fires, naming the rules, what they
 * measure now and since when; it goes when the last one resolves. Polled (the server evaluates on
 * its own timer), so it appears within seconds of the evaluation that fired it.
 */
export function AlertBanner() {
  const firing = useFiringAlerts();
  const rules = firing.data?.data ?? [];
  if (rules.length === 0) return null;
  const more = rules.length - SHOWN;
  return (
    <div role="alert" className="alert-banner" aria-label="Alerts firing">
      <span className="alert-banner-icon" aria-hidden="true"><Alert /></span>
      <div className="alert-banner-body">
        <strong>{rules.length === 1 ? 'An alert is firing' : `${rules.length} alerts are firing`}</strong>
        <ul className="alert-banner-list">
          {rules.slice(0, SHOWN).map((r) => (
            <li key={r.ruleId}>
              <span className="alert-banner-name">{r.name}</span>: {measured(r)}, fired {formatRelative(r.firingSinceDateTime)}
              <span className="muted"> — {ruleSentence(r)}</span>
            </li>
          ))}
          {more > 0 && <li>and {more} more</li>}
        </ul>
      </div>
      <Link to="/settings/alerts" className="alert-banner-link">Alert rules</Link>
    </div>
  );
}
