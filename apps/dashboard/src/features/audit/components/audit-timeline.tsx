import { Card } from '../../../components/ui/card';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage } from '../../../lib/api-client';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useAudit } from '../api/list-audit';

/** "listMqSessions" → "list mq sessions"; BFF names stay readable. */
const words = (action: string) => action.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();

/** Recent audited actions on one target (DESIGN §3 audit log), newest first. */
export function AuditTimeline({ target, title = 'Recent activity' }: { target: string; title?: string }) {
  const audit = useAudit({ target, limit: 50 });
  return (
    <Card title={title} className="card-wide">
      {audit.isPending ? (
        <Spinner label="Loading activity…" />
      ) : audit.isError ? (
        <p className="callout callout-error" role="alert">Could not load the activity: {errorMessage(audit.error)}</p>
      ) : audit.data.length === 0 ? (
        <p className="muted">No recorded actions for this session yet.</p>
      ) : (
        <ol className="timeline">
          {audit.data.map((event) => (
            <li key={event.id} className={`timeline-item ${event.errorCode === 0 ? '' : 'is-failed'}`}>
              <time dateTime={event.ts} title={formatDateTime(event.ts)} className="timeline-time">
                {formatRelative(event.ts)}
              </time>
              <span className="timeline-text">
                <strong>{event.actor}</strong> {words(event.action)}
                {event.errorCode !== 0 && <span className="badge badge-danger timeline-badge">failed ({event.errorCode})</span>}
              </span>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
