import type { FeedEvent } from '@mqdash/contracts';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Card } from '../../../components/ui/card';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage } from '../../../lib/api-client';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useNow } from '../../../lib/use-now';
import { useAudit } from '../api/list-audit';
import { mergeActivity, type ActivityItem } from '../lib/activity';
import { ChangeList } from './change-list';

export interface ActivityTimelineProps {
  /** One session's timeline; omitted: everything (the overview). */
  target?: string;
  /** The feed's events for this timeline, newest first (the route filters them). */
  liveEvents: readonly FeedEvent[];
  title?: string;
  /** Links each line to its session (the overview's timeline, which names them). */
  sessionHref?: (clientName: string) => string;
  limit?: number;
  className?: string;
}

/**
 * A timeline of connects, disconnects (with reason), refused connects (with reason), health turns
 * and admin actions (who did what): the audit log's history plus the live feed's events.
 */
export function ActivityTimeline({ target, liveEvents, title = 'Recent activity', sessionHref, limit = 50, className = 'card-wide' }: ActivityTimelineProps) {
  const audit = useAudit(target === undefined ? { limit } : { target, limit });
  const items = useMemo(() => mergeActivity(audit.data ?? [], liveEvents, limit), [audit.data, liveEvents, limit]);
  const now = useNow(15_000);

  return (
    <Card title={title} className={className}>
      {audit.isError && <p className="callout callout-error timeline-callout" role="alert">Could not load the audit history: {errorMessage(audit.error)}</p>}
      {audit.isPending && items.length === 0 ? (
        <Spinner label="Loading activity…" />
      ) : items.length === 0 ? (
        <p className="muted">
          {target === undefined ? 'No activity yet.' : 'No recorded activity for this session yet.'} Connects, disconnects and refusals appear here as they happen.
        </p>
      ) : (
        <TimelineList items={items} now={now} sessionHref={sessionHref} />
      )}
    </Card>
  );
}

/** The lines of a timeline, newest first (the overview's and a session's). */
export function TimelineList({ items, now, sessionHref }: { items: readonly ActivityItem[]; now: number; sessionHref?: (clientName: string) => string }) {
  return (
    <ol className="timeline timeline-scroll">
      {items.map((item) => (
        <li key={item.key} className={`timeline-item ${item.failed ? 'is-failed' : ''}`}>
          <time dateTime={item.ts} title={formatDateTime(item.ts)} className="timeline-time">
            {/* `now` is renewed every 15 s: a newer event is "now", not "in 5 seconds". */}
            {formatRelative(item.ts, Math.max(now, Date.parse(item.ts)))}
          </time>
          <span className="timeline-text">
            <Badge tone={item.tone}>{item.label}</Badge>{' '}
            {item.kind === 'admin' ? (
              <>
                <strong>{item.actor}</strong>{item.role && <span className="muted"> ({item.role})</span>}{' '}
                {sessionHref && item.subject !== null ? (
                  <>
                    {item.verb}{' '}
                    {item.targetIsSession ? <Link to={sessionHref(item.subject)} className="mono">{item.subject || '(empty name)'}</Link> : <span className="mono">{item.subject}</span>}
                  </>
                ) : (
                  item.text
                )}
                {item.via && <span className="muted"> via {item.via}</span>}
              </>
            ) : (
              <>
                {sessionHref && item.subject !== null && (
                  <>
                    <Link to={sessionHref(item.subject)} className="mono">{item.subject || '(empty name)'}</Link>{' '}
                  </>
                )}
                {item.text}
              </>
            )}
            {item.failed && <span className="badge badge-danger timeline-badge">failed</span>}
            {item.changes && <ChangeList changes={item.changes} />}
          </span>
        </li>
      ))}
    </ol>
  );
}
