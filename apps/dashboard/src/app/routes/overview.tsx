import { sessionHealths, sessionStatusValues, sessionTypes, type ConnectionStatus } from '@mqdash/contracts';
import { Spinner } from '../../components/ui/spinner';
import { ErrorState } from '../../components/ui/states';
import { ActivityTimeline } from '../../features/audit/components/activity-timeline';
import { useFeedEvents } from '../../features/live/lib/feed-events';
import { useIsLive } from '../../features/live/lib/live-status';
import { useOverview } from '../../features/overview/api/get-overview';
import { CountsCard, type CountItem } from '../../features/overview/components/counts-card';
import { KpiTiles } from '../../features/overview/components/kpi-tiles';
import { RetentionSummary } from '../../features/overview/components/retention-summary';
import { ThroughputCard } from '../../features/overview/components/throughput-card';
import { UnhealthySessionsCard } from '../../features/overview/components/unhealthy-sessions-card';
import { connectionText, connectionTone, healthText, healthTone, listTypeText, statusText, statusTone } from '../../features/sessions/lib/display';
import { defaultListState, listSearchParams, type SessionsListState } from '../../features/sessions/lib/list-state';
import { sessionHref } from '../../features/sessions/lib/paths';
import { errorMessage } from '../../lib/api-client';
import { formatCount, formatDateTime, formatRate } from '../../lib/format';

/** The sessions table filtered as given (the overview's counts link there). */
const sessionsHref = (filter: Partial<SessionsListState>): string => {
  const search = listSearchParams({ ...defaultListState, ...filter }).toString();
  return search ? `/sessions?${search}` : '/sessions';
};

const connectionKinds: readonly ConnectionStatus[] = ['connected', 'connectedTemporarily', 'disconnected'];

/**
 * Overview (DESIGN §6): counts by health, connection status, session status and type (each a link
 * to the filtered table), the unhealthy sessions, throughput over the last hour and recent events.
 * Live: the feed's overview message (every 5 s) replaces the numbers and extends the charts.
 */
export function OverviewRoute() {
  const live = useIsLive();
  const overview = useOverview(60, { live });
  const events = useFeedEvents();

  if (overview.isPending)
    return (
      <div className="page">
        <title>Overview · mqdash</title>
        <h1 className="page-title">Overview</h1>
        <div className="page-loading"><Spinner label="Loading the overview…" /></div>
      </div>
    );
  if (overview.isError && !overview.data)
    return (
      <div className="page">
        <title>Overview · mqdash</title>
        <h1 className="page-title page-title-spaced">Overview</h1>
        <ErrorState title="Could not load the overview" message={errorMessage(overview.error)} onRetry={() => void overview.refetch()} />
      </div>
    );

  const o = overview.data.overview;
  const c = o.counts;
  const count = (group: Record<string, number>, key: string) => group[key] ?? 0;
  const hidden = count(c.sessionStatus, 'hidden');
  const hiddenNote = hidden > 0 ? `${formatCount(hidden)} hidden ${hidden === 1 ? 'session is' : 'sessions are'} not counted here.` : undefined;

  const health: CountItem[] = sessionHealths.map((h) => ({ id: h, label: healthText[h], tone: healthTone[h], count: count(c.health, h), href: sessionsHref({ health: [h] }) }));
  const connection: CountItem[] = connectionKinds.map((s) => ({ id: s, label: connectionText[s], tone: connectionTone[s], count: count(c.connectionStatus, s), href: sessionsHref({ connection: [s] }) }));
  const status: CountItem[] = sessionStatusValues.map((s) => ({ id: s, label: statusText[s], tone: statusTone[s], count: count(c.sessionStatus, s), href: sessionsHref({ status: [s] }) }));
  const types: CountItem[] = sessionTypes.map((t) => ({ id: t, label: listTypeText[t], tone: 'neutral', count: count(c.sessionType, t), href: sessionsHref({ type: [t] }) }));
  const connected = count(c.connectionStatus, 'connected') + count(c.connectionStatus, 'connectedTemporarily');
  const unhealthy = count(c.health, 'unhealthy');

  return (
    <div className="page">
      <title>Overview · mqdash</title>
      <div className="page-header">
        <h1 className="page-title">Overview</h1>
        <p className="muted small">
          Updated <time dateTime={o.ts}>{formatDateTime(o.ts)}</time>
          {live ? ' · live' : ' · refreshing every 10 seconds'}
        </p>
      </div>
      <RetentionSummary run={overview.data.retention ?? null} />
      <KpiTiles
        items={[
          { label: 'Sessions', value: formatCount(c.total), hint: hidden > 0 ? `and ${formatCount(hidden)} hidden` : undefined },
          { label: 'Connected', value: formatCount(connected) },
          { label: 'Unhealthy', value: formatCount(unhealthy), tone: unhealthy > 0 ? 'danger' : undefined },
          { label: 'Messages in per second', value: formatRate(o.messagesInPerSecond) },
          { label: 'Messages out per second', value: formatRate(o.messagesOutPerSecond) },
          { label: 'Network connections', value: formatCount(o.connections), hint: 'MQTT and WebSocket, dashboards included' },
        ]}
      />
      <div className="overview-counts">
        <CountsCard title="Health" items={health} note={hiddenNote} />
        <CountsCard title="Connection status" items={connection} note={hiddenNote} />
        <CountsCard title="Session status" items={status} />
        <CountsCard title="Session type" items={types} note={hiddenNote} />
      </div>
      <div className="card-grid overview-grid">
        <ThroughputCard history={overview.data.history} nowMs={Date.parse(o.ts)} />
        <UnhealthySessionsCard unhealthy={o.unhealthy} total={unhealthy} sessionHref={sessionHref} allHref={sessionsHref({ health: ['unhealthy'] })} />
        <ActivityTimeline liveEvents={events} title="Recent events" sessionHref={sessionHref} className="" />
      </div>
    </div>
  );
}
