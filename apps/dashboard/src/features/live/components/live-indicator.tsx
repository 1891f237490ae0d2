import { Button } from '../../../components/ui/button';
import { Refresh } from '../../../components/ui/icons';
import { formatDateTime } from '../../../lib/format';
import { useLiveStatus, type LiveState } from '../lib/live-status';

const text: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/** The accessible name's last word: "Live updates: live". */
const word: Record<LiveState, string> = { connecting: 'connecting', live: 'live', reconnecting: 'reconnecting', offline: 'offline' };

/**
 * The header's live-feed indicator (DESIGN §5): a coloured dot and a word, named "Live updates:
 * <state>" for assistive tech. Offline, a button skips the wait before the next attempt.
 */
export function LiveIndicator({ onReconnect }: { onReconnect: () => void }) {
  const status = useLiveStatus();
  const detail =
    status.state === 'live'
      ? `Receiving live updates since ${formatDateTime(status.since ? new Date(status.since).toISOString() : undefined)}`
      : status.state === 'connecting'
        ? 'Connecting to live updates'
        : `${status.lastError ? `${status.lastError}. ` : ''}Pages show the last data loaded and refresh themselves until live updates return.`;
  return (
    <span className="live-wrap">
      <span role="status" aria-label={`Live updates: ${word[status.state]}`} title={detail} className={`live-indicator is-${status.state}`}>
        <span className="live-dot" aria-hidden="true" />
        <span>{text[status.state]}</span>
      </span>
      {status.state === 'offline' && (
        <Button variant="ghost" size="sm" onPress={onReconnect}>
          <Refresh /> Reconnect
        </Button>
      )}
    </span>
  );
}
