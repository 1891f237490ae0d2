import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Spinner } from '../../components/ui/spinner';
import { ErrorState } from '../../components/ui/states';
import { AuditTimeline } from '../../features/audit/components/audit-timeline';
import { isSessionNotFound, useSession } from '../../features/sessions/api/get-session';
import { ConnectionBadge, HealthBadge, StatusBadge } from '../../features/sessions/components/session-badges';
import { SessionActions } from '../../features/sessions/components/session-actions';
import { SessionEditDialog } from '../../features/sessions/components/session-edit-dialog';
import { ConnectionCard, HealthCard, ProtocolCard, StatsCard } from '../../features/sessions/components/session-overview-cards';
import { LabelMetadataCard, PublishedTopicsCard, UserPropertiesCard, WillCard } from '../../features/sessions/components/session-settings-cards';
import { SubscriptionsCard } from '../../features/sessions/components/subscriptions-card';
import { typeText } from '../../features/sessions/lib/display';
import { sessionsListHref } from '../../features/sessions/lib/paths';
import { errorMessage } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';

/** One session (DESIGN §6): everything describeMqSessions returns, its actions, edit form and audit trail. */
export function SessionDetailRoute() {
  const { clientName = '' } = useParams();
  const session = useSession(clientName);
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const backHref = sessionsListHref();

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
          {session.data && (
            <div className="badge-row">
              <span className="type-chip">{typeText[session.data.sessionType]}</span>
              <ConnectionBadge status={session.data.connectionStatus} />
              <StatusBadge status={session.data.sessionStatus} />
              {session.data.stats && <HealthBadge health={session.data.stats.sessionHealth} />}
            </div>
          )}
        </div>
        {session.data && <SessionActions session={session.data} onEdit={() => setEditing(true)} onDeleted={() => void navigate(backHref, { replace: true })} />}
      </div>

      {session.isPending ? (
        <div className="page-loading">
          <Spinner label="Loading session…" />
        </div>
      ) : session.isError && !session.data ? (
        isSessionNotFound(session.error) ? (
          <ErrorState title="Session not found" message={`No session is named “${clientName}”. It may have been deleted permanently.`}>
            <Link to={backHref} className="btn btn-secondary">Back to sessions</Link>
          </ErrorState>
        ) : (
          <ErrorState title="Could not load the session" message={errorMessage(session.error)} onRetry={() => void session.refetch()} />
        )
      ) : (
        session.data && (
          <>
            {session.data.lastFailedConnectReason && (
              <div className="callout callout-warning detail-callout">
                <strong>Last failed connect</strong>
                {session.data.lastFailedConnectDateTime && <> at {formatDateTime(session.data.lastFailedConnectDateTime)}</>}: {session.data.lastFailedConnectReason}
              </div>
            )}
            <div className="card-grid">
              <ConnectionCard session={session.data} />
              <HealthCard session={session.data} />
              <StatsCard stats={session.data.stats} />
              <SubscriptionsCard session={session.data} />
              <div className="card-stack">
                <ProtocolCard session={session.data} />
                <LabelMetadataCard session={session.data} />
              </div>
              <div className="card-stack">
                <WillCard session={session.data} />
                <UserPropertiesCard session={session.data} />
                <PublishedTopicsCard topics={session.data.publishedTopics} />
              </div>
              <AuditTimeline target={clientName} />
            </div>
            <SessionEditDialog session={session.data} isOpen={editing} onOpenChange={setEditing} />
          </>
        )
      )}
    </div>
  );
}
