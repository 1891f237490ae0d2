import { useMemo, useState } from 'react';
import { Tab, TabList, TabPanel, Tabs, type Key } from 'react-aria-components';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { Spinner } from '../../components/ui/spinner';
import { ErrorState } from '../../components/ui/states';
import { SessionTimeline } from '../../features/audit/components/session-timeline';
import { useLabelChoices } from '../../features/labels/api/use-label-choices';
import { eventSubject, useFeedEvents } from '../../features/live/lib/feed-events';
import { PublishMessageCard } from '../../features/messages/components/publish-message-card';
import { TopicMessagesCard } from '../../features/messages/components/topic-messages-card';
import { isSessionNotFound, useSession } from '../../features/sessions/api/get-session';
import { MqApiStateBadge } from '../../features/sessions/components/mq-api-state';
import { ConnectionBadge, HealthBadge, StatusBadge } from '../../features/sessions/components/session-badges';
import { SessionActions } from '../../features/sessions/components/session-actions';
import { SessionEditDialog } from '../../features/sessions/components/session-edit-dialog';
import { SessionFacts } from '../../features/sessions/components/session-facts';
import { ConnectionCard, HealthCard, ProtocolCard, StatsCard } from '../../features/sessions/components/session-overview-cards';
import { SessionRateCharts } from '../../features/sessions/components/session-rate-charts';
import { LabelMetadataCard, PublishedTopicsCard, UserPropertiesCard, WillCard } from '../../features/sessions/components/session-settings-cards';
import { SubscriptionsCard } from '../../features/sessions/components/subscriptions-card';
import { typeText } from '../../features/sessions/lib/display';
import { sessionHref, sessionsListHref } from '../../features/sessions/lib/paths';
import { errorMessage } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { Can } from '../../lib/permissions';

const detailTabs = ['details', 'settings', 'messages'] as const;
type DetailTab = (typeof detailTabs)[number];
const isDetailTab = (key: unknown): key is DetailTab => detailTabs.includes(key as DetailTab);

/**
 * One session (DESIGN §6): everything describeMqSessions returns, its rates over the last hour,
 * its actions, edit form and timeline; a Messages tab publishes as the session and peeks at topics.
 * Issue 13: a header of key facts, then tabs grouping what an administrator watches (Overview),
 * what the client asked for (Settings) and Messages; cards without content are left out.
 * The tab is in the URL (`?tab=settings`, `?tab=messages`).
 */
export function SessionDetailRoute() {
  const { clientName = '' } = useParams();
  const session = useSession(clientName);
  const labelChoices = useLabelChoices();
  // A 404 is the server's last word: the session is gone, even if an earlier answer is still in
  // the cache (a refetch that fails keeps its data), and even if the live feed's removal never came.
  const gone = session.isError && isSessionNotFound(session.error);
  const data = gone ? undefined : session.data;
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const asked = searchParams.get('tab');
  const tab: DetailTab = isDetailTab(asked) ? asked : 'details';
  const [editing, setEditing] = useState(false);
  const [peekTopic, setPeekTopic] = useState<string | null>(null);
  const backHref = sessionsListHref();
  const allEvents = useFeedEvents();
  const events = useMemo(() => allEvents.filter((e) => eventSubject(e) === clientName), [allEvents, clientName]);
  const selectTab = (key: Key) => setSearchParams(key !== 'details' && isDetailTab(key) ? { tab: key } : {}, { replace: true });

  return (
    <div className="page">
      <title>{`Session ${clientName} · mqdash`}</title>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={backHref}>Sessions</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page" className="mono">{clientName}</span>
      </nav>
      <div className="page-header page-header-detail">
        <div className="title-block">
          <h1 className="page-title">
            Session <span className="mono title-name">{clientName}</span>
          </h1>
          {data && (
            <div className="badge-row">
              <span className="type-chip">{typeText[data.sessionType]}</span>
              {data.sessionType === 'mqApi' ? <MqApiStateBadge connectionStatus={data.connectionStatus} /> : <ConnectionBadge status={data.connectionStatus} />}
              <StatusBadge status={data.sessionStatus} />
              {data.stats && <HealthBadge health={data.stats.sessionHealth} mqApi={data.sessionType === 'mqApi'} />}
            </div>
          )}
        </div>
        {data && (
          <Can need="operator">
            <SessionActions session={data} onEdit={() => setEditing(true)} onDeleted={() => void navigate(backHref, { replace: true })} />
          </Can>
        )}
      </div>

      {session.isPending ? (
        <div className="page-loading">
          <Spinner label="Loading session…" />
        </div>
      ) : session.isError && !data ? (
        isSessionNotFound(session.error) ? (
          <ErrorState title="Session not found" message={`No session is named “${clientName}”. It may have been deleted permanently.`}>
            <Link to={backHref} className="btn btn-secondary">Back to sessions</Link>
          </ErrorState>
        ) : (
          <ErrorState title="Could not load the session" message={errorMessage(session.error)} onRetry={() => void session.refetch()} />
        )
      ) : (
        data && (
          <>
            {data.lastFailedConnectReason && (
              <div className="callout callout-warning detail-callout">
                <strong>Last failed connect</strong>
                {data.lastFailedConnectDateTime && <> at {formatDateTime(data.lastFailedConnectDateTime)}</>}: {data.lastFailedConnectReason}
              </div>
            )}
            <SessionFacts session={data} />
            <Tabs selectedKey={tab} onSelectionChange={selectTab} className="detail-tabs">
              <TabList aria-label="Session views" className="tab-list">
                <Tab id="details" className="tab">Overview</Tab>
                <Tab id="settings" className="tab">Settings</Tab>
                <Tab id="messages" className="tab">Messages</Tab>
              </TabList>
              <TabPanel id="details" className="tab-panel">
                <div className="card-grid">
                  <HealthCard session={data} />
                  <ConnectionCard session={data} />
                  <StatsCard stats={data.stats} />
                  <SessionRateCharts clientName={clientName} />
                  <SubscriptionsCard session={data} />
                  <PublishedTopicsCard topics={data.publishedTopics} />
                  <SessionTimeline clientName={clientName} liveEvents={events} />
                </div>
              </TabPanel>
              <TabPanel id="settings" className="tab-panel">
                <div className="card-grid">
                  <ProtocolCard session={data} />
                  <div className="card-stack">
                    <LabelMetadataCard session={data} />
                    <WillCard session={data} />
                    <UserPropertiesCard session={data} />
                  </div>
                </div>
              </TabPanel>
              <TabPanel id="messages" className="tab-panel">
                <div className="card-grid">
                  <Can need="operator">
                    <PublishMessageCard clientName={clientName} defaultTopic={data.publishedTopics?.[0] ?? ''} onPublished={setPeekTopic} />
                  </Can>
                  <TopicMessagesCard
                    key={peekTopic ?? ''}
                    showAtOnce={peekTopic !== null}
                    defaultTopic={peekTopic ?? data.publishedTopics?.[0] ?? data.subscribedTopics?.find((t) => !/[+#]/.test(t.topicFilter))?.topicFilter ?? ''}
                    sessionHref={sessionHref}
                  />
                </div>
              </TabPanel>
            </Tabs>
            <SessionEditDialog session={data} isOpen={editing} onOpenChange={setEditing} labels={labelChoices} />
          </>
        )
      )}
    </div>
  );
}
