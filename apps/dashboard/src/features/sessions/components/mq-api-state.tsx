import type { ConnectionStatus } from '@mqdash/contracts';
import { Badge } from '../../../components/ui/badge';
import { formatCount, formatDateTime, formatRelative } from '../../../lib/format';
import { useNow } from '../../../lib/use-now';
import { mqApiStateText, mqApiStateTone } from '../lib/display';

/** What an MQ API session's state needs: the broker's own active window and the last use. */
export interface MqApiStateFacts {
  connectionStatus: ConnectionStatus;
  lastUsedDateTime?: string;
}

/** Active or Idle: the broker's `connectedTemporarily` (used within its window) or not. */
export function MqApiStateBadge({ connectionStatus }: { connectionStatus: ConnectionStatus }) {
  const state = connectionStatus === 'disconnected' ? 'idle' : 'active';
  return <Badge tone={mqApiStateTone[state]}>{mqApiStateText[state]}</Badge>;
}

/**
 * An MQ API session has no connection to show (issue 13): it is Active while an action used it
 * within its keep-alive × 1.5 window (the broker's `connectedTemporarily`), Idle otherwise, with
 * "last used …" (the exact time on hover) and, when given, its backlog.
 */
export function MqApiState({ session, backlog }: { session: MqApiStateFacts; backlog?: number }) {
  const now = useNow(15_000);
  const used = session.lastUsedDateTime;
  return (
    <span className="mq-api-state">
      <MqApiStateBadge connectionStatus={session.connectionStatus} />{' '}
      <span className="muted small">
        {used ? (
          <time dateTime={used} title={formatDateTime(used)}>last used {formatRelative(used, now)}</time>
        ) : 'never used'}
        {backlog !== undefined && <>, backlog {formatCount(backlog)}</>}
      </span>
    </span>
  );
}
