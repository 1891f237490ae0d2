import type { BulkAction, ConnectionStatus, SessionHealth, SessionStatus, SessionType } from '@mqdash/contracts';
import type { BadgeTone } from '../../../components/ui/badge';
import type { ListConnection, ListSessionType } from './list-state';

/** Words and colours for the session enums, in one place for table, filters and detail. */

export const connectionText: Record<ListConnection, string> = {
  connected: 'Connected',
  connectedTemporarily: 'Connected temporarily',
  disconnected: 'Disconnected',
  unknown: 'Never used',
};
export const connectionTone: Record<ConnectionStatus, BadgeTone> = { connected: 'success', connectedTemporarily: 'info', disconnected: 'muted' };

/** MQ API sessions have no connection: Active while used within the broker's window, Idle otherwise (issue 13). */
export const mqApiStateText: Record<'active' | 'idle', string> = { active: 'Active', idle: 'Idle' };
export const mqApiStateTone: Record<'active' | 'idle', BadgeTone> = { active: 'success', idle: 'muted' };
/** An MQ API session's health is `offline` only until it is used or subscribes. */
export const mqApiOfflineHealthText = 'Not used yet';

export const statusText: Record<SessionStatus, string> = { normal: 'Normal', hidden: 'Hidden', banned: 'Banned', inactive: 'Inactive' };
export const statusTone: Record<SessionStatus, BadgeTone> = { normal: 'neutral', hidden: 'accent', banned: 'danger', inactive: 'warning' };

export const healthText: Record<SessionHealth, string> = { healthy: 'Healthy', unhealthy: 'Unhealthy', offline: 'Offline' };
export const healthTone: Record<SessionHealth, BadgeTone> = { healthy: 'success', unhealthy: 'danger', offline: 'muted' };

export const typeText: Record<SessionType, string> = { mqtt: 'MQTT', mqApi: 'MQ API', both: 'MQTT + MQ API' };
export const listTypeText: Record<ListSessionType, string> = { mqtt: 'MQTT', mqApi: 'MQ API' };

export const bulkActionText: Record<BulkAction, string> = {
  hide: 'Hide',
  unhide: 'Unhide',
  ban: 'Ban',
  unban: 'Unban',
  markInactive: 'Mark inactive',
  kick: 'Kick',
};

/** What happens, said before a destructive action is confirmed. */
export const bulkActionConsequence: Record<BulkAction, string> = {
  hide: 'Hidden sessions keep working but are left out of lists unless “Show hidden” is on.',
  unhide: 'The sessions show in lists again.',
  ban: 'Banned clients are disconnected now and refused when they connect again. Their sessions and history are kept; Unban lets them back.',
  unban: 'The clients may connect again.',
  markInactive: 'The sessions are kept with their history and marked inactive; a client that connects again makes its session normal.',
  kick: 'Connected clients are disconnected and the sessions are deleted permanently, with their subscriptions and queued messages (as the EMQX API’s kick does).',
};

/** Destructive actions ask first; any action on "all matching" asks too. */
export const destructiveBulkActions: ReadonlySet<BulkAction> = new Set(['ban', 'markInactive', 'kick']);

export const sessionNoun = (n: number): string => (n === 1 ? 'session' : 'sessions');
