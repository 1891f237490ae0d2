import type { FeedEvent } from '@mqdash/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { Card } from '../../../components/ui/card';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage } from '../../../lib/api-client';
import { useNow } from '../../../lib/use-now';
import { useAudit } from '../api/list-audit';
import { sessionEventsKey, useSessionEvents } from '../api/list-session-events';
import { mergeSessionTimeline } from '../lib/activity';
import { TimelineList } from './activity-timeline';

export interface SessionTimelineProps {
  clientName: string;
  /** The feed's events for this session, newest first (the detail page filters them). */
  liveEvents: readonly FeedEvent[];
  limit?: number;
}

/**
 * Issue 13: one session's timeline, newest first, with times: connects, disconnects with reason,
 * refused connects, health turns (stored by the server, so they outlive a page reload) and
 * administrators' actions on it, with who and what changed (before → after).
 */
export function SessionTimeline({ clientName, liveEvents, limit = 100 }: SessionTimelineProps) {
  const queryClient = useQueryClient();
  const audit = useAudit({ target: clientName, limit });
  const stored = useSessionEvents(clientName, limit);
  const now = useNow(15_000);
  // A live event is shown at once; the stored list is fetched again behind it.
  const newestLive = liveEvents[0]?.ts;
  useEffect(() => {
    if (newestLive) void queryClient.invalidateQueries({ queryKey: sessionEventsKey(clientName, limit) });
  }, [newestLive, clientName, limit, queryClient]);
  const items = useMemo(
    () => mergeSessionTimeline(clientName, audit.data ?? [], stored.data ?? [], liveEvents, limit),
    [clientName, audit.data, stored.data, liveEvents, limit],
  );
  const failed = audit.error ?? stored.error;

  return (
    <Card title="Timeline" className="card-wide session-timeline">
      {failed && <p className="callout callout-error timeline-callout" role="alert">Could not load the session's history: {errorMessage(failed)}</p>}
      {(audit.isPending || stored.isPending) && items.length === 0 ? (
        <Spinner label="Loading the timeline…" />
      ) : items.length === 0 ? (
        <p className="muted">Nothing recorded for this session yet. Connects, disconnects, refusals, health turns and administrators' actions appear here.</p>
      ) : (
        <TimelineList items={items} now={now} />
      )}
    </Card>
  );
}
