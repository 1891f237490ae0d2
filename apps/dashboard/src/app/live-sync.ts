import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';
import { alertKeys } from '../features/alerts/api/alert-rules';
import { auditKeys } from '../features/audit/api/list-audit';
import { getFeedToken } from '../features/live/api/get-feed-token';
import { appendFeedEvents, clearFeedEvents, noteUnhealthy } from '../features/live/lib/feed-events';
import { startLiveFeed, type LiveFeed } from '../features/live/lib/live-feed';
import { notifyUnhealthy } from '../features/notifications/lib/notify-unhealthy';
import { applyOverviewMessage, overviewKeys } from '../features/overview/api/get-overview';
import { recordOverview } from '../features/overview/lib/throughput';
import { applySessionChanges, invalidateSessions } from '../features/sessions/api/session-cache';
import { sessionHref } from '../features/sessions/lib/paths';

/**
 * The live feed for as long as someone is signed in (DESIGN §5), wired to the features: session
 * changes patch the sessions cache, overview messages the overview cache and its charts, events go
 * to the timelines and, when asked for, to browser notifications. After every (re)connect the
 * snapshots are refetched, so nothing that happened while away is missed.
 * Returns "reconnect now" for the header indicator.
 */
export function useLiveSync(): () => void {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const navigateRef = useRef(navigate);
  const feedRef = useRef<LiveFeed | null>(null);
  useEffect(() => {
    navigateRef.current = navigate;
  });

  useEffect(() => {
    const feed = startLiveFeed({
      getToken: getFeedToken,
      onSessionChanges: (message) => applySessionChanges(queryClient, message),
      onOverview: (message) => {
        noteUnhealthy(message.unhealthy);
        recordOverview(message);
        applyOverviewMessage(queryClient, message);
      },
      onEvents: (message) => {
        const news = appendFeedEvents(message.events);
        // An alert fired or resolved (issue 13): the banner asks at once instead of at its next poll.
        if (message.events.some((e) => e.type === 'admin' && (e.action === 'alertFired' || e.action === 'alertResolved')))
          void queryClient.invalidateQueries({ queryKey: alertKeys.all });
        notifyUnhealthy(news, {
          openSession: (clientName) => void navigateRef.current(sessionHref(clientName)),
          openOverview: () => void navigateRef.current('/overview'),
        });
      },
      onResync: () => {
        void invalidateSessions(queryClient);
        void queryClient.invalidateQueries({ queryKey: overviewKeys.all });
        void queryClient.invalidateQueries({ queryKey: auditKeys.all });
      },
    });
    feedRef.current = feed;
    return () => {
      feed.stop();
      feedRef.current = null;
      // The next account to sign in here starts with an empty timeline.
      clearFeedEvents();
    };
  }, [queryClient]);

  return useCallback(() => feedRef.current?.reconnectNow(), []);
}
