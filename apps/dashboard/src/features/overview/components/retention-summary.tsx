import type { RetentionRun } from '@mqdash/contracts';
import { formatRelative } from '../../../lib/format';
import { retentionCountsText } from '../../../lib/retention-text';

/** What the retention policy last removed (issue 14), when it ran; nothing while it never has. */
export function RetentionSummary({ run }: { run: RetentionRun | null }) {
  if (!run) return null;
  return (
    <p className="muted small overview-retention">
      Retention, {formatRelative(run.finishedDateTime)}: removed {retentionCountsText(run.removed)}
      {run.error ? ` (stopped early: ${run.error})` : ''}.
    </p>
  );
}
