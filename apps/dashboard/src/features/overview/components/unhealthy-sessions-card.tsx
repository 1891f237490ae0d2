import type { OverviewMessage } from '@mqdash/contracts';
import { Link } from 'react-router';
import { Card } from '../../../components/ui/card';
import { formatCount } from '../../../lib/format';
import { healthReasonText } from '../../../lib/health-words';
import { useNow } from '../../../lib/use-now';

/** The unhealthy sessions, worst first, each with the threshold it breaks in words (DESIGN §3, issue 13). */
export function UnhealthySessionsCard({ unhealthy, total, sessionHref, allHref }: {
  unhealthy: OverviewMessage['unhealthy'];
  /** Every unhealthy session (the list holds at most 50). */
  total: number;
  sessionHref: (clientName: string) => string;
  allHref: string;
}) {
  const now = useNow(30_000);
  return (
    <Card
      title="Unhealthy sessions"
      actions={total > 0 ? <Link to={allHref} className="small">Show all {formatCount(total)} in the table</Link> : undefined}
    >
      {unhealthy.length === 0 ? (
        <p className="muted">Every connected session is within its health thresholds.</p>
      ) : (
        <div className="mini-table-scroll">
          <table className="mini-table">
            <caption className="sr-only">Unhealthy sessions and the threshold each breaks</caption>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Broken threshold</th>
              </tr>
            </thead>
            <tbody>
              {unhealthy.map((s) => (
                <tr key={s.clientName}>
                  <td>
                    <Link to={sessionHref(s.clientName)} className="mono">{s.clientName || '(empty name)'}</Link>
                  </td>
                  <td className="unhealthy-reason">{(s.reasonDetail ? healthReasonText(s.reasonDetail, now) : s.reason) || <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
