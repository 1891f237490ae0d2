import type { HealthReason, SessionListRow } from './session.ts';

/**
 * The admin feed (DESIGN §5): JSON payloads the broker publishes under `$SYS/mqdash/`, read by
 * the dashboard over MQTT over WebSocket. Only admin feed connections may subscribe there.
 */
export const feedTopics = {
  sessionChanges: '$SYS/mqdash/sessions/changes',
  events: '$SYS/mqdash/events',
  overview: '$SYS/mqdash/overview',
} as const;

/** The MQTT username a feed connection uses; its password is a feed token from `GET /bff/feed-token`. */
export const FEED_USERNAME = 'mqdash-feed';

export interface SessionChangesMessage {
  ts: string;
  /** The full list row of every session that changed, so a client can test it against its filter. */
  changes: SessionListRow[];
  removed: string[];
}

export type FeedEvent =
  | { type: 'connect'; ts: string; clientName: string; ipaddress?: string; mqttProtocol?: string }
  | { type: 'disconnect'; ts: string; clientName: string; reason: string }
  | { type: 'refused'; ts: string; clientName: string; reason: string }
  | { type: 'health'; ts: string; clientName: string; sessionHealth: string; reason?: string }
  | { type: 'admin'; ts: string; actor: string; action: string; target: string | null; errorCode: number };

export interface EventsMessage {
  ts: string;
  events: FeedEvent[];
}

export interface OverviewCounts {
  connectionStatus: Record<string, number>;
  sessionStatus: Record<string, number>;
  health: Record<string, number>;
  sessionType: Record<string, number>;
  total: number;
}

export interface OverviewMessage {
  ts: string;
  counts: OverviewCounts;
  messagesInPerSecond: number;
  messagesOutPerSecond: number;
  connections: number;
  /** The unhealthy sessions, worst first (most broken first, then by publish rate). */
  unhealthy: Array<{
    clientName: string;
    reason: string;
    /** mqdash extension (issue 13): the reason as data, as `unhealthyReasonDetail` in a session's stats. */
    reasonDetail?: HealthReason;
  }>;
}

/** One per-minute sample of broker throughput (overview charts). */
export interface OverviewSample {
  ts: string;
  messagesIn: number;
  messagesOut: number;
  connections: number;
}

/** A session's per-minute history (detail charts), oldest first. */
export interface SessionHistory {
  clientName: string;
  minutes: Array<{ ts: string; published: number; received: number; backlog: number }>;
}

export interface FeedTokenResponse {
  username: string;
  token: string;
  expiresInSeconds: number;
  /** Path of MQTT over WebSocket on this origin. */
  path: string;
}
