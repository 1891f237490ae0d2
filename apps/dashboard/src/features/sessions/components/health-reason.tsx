import type { HealthReason } from '@mqdash/contracts';
import { Button } from '../../../components/ui/button';
import { Tooltip } from '../../../components/ui/tooltip';
import { useNow } from '../../../lib/use-now';
import { healthReasonWords } from '../../../lib/health-words';

/**
 * A broken threshold in words (issue 13): "Publishing 711/min, above the 500/min limit, for 12 min".
 * The limit is a focusable trigger whose tooltip names the session property that sets it, so the
 * name is reachable by keyboard and announced as the trigger's description. An older server that
 * sends only `unhealthyReason` gets that string.
 */
export function HealthReasonText({ detail, fallback }: { detail: HealthReason | undefined; fallback: string | undefined }) {
  const now = useNow(30_000);
  if (!detail) return fallback ? <span className="health-reason">{fallback}</span> : <span className="muted">—</span>;
  const words = healthReasonWords(detail, now);
  return (
    <span className="health-reason">
      {words.lead}
      <Tooltip content={<>Set by <code>{words.limitProperty}</code></>}>
        <Button variant="ghost" size="sm" className="btn-link health-limit">{words.limit}</Button>
      </Tooltip>
      {words.tail}
    </span>
  );
}
