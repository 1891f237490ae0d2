import type { AuditEvent, FeedEvent, SessionEvent } from '@mqdash/contracts';
import type { BadgeTone } from '../../../components/ui/badge';
import { changeLines, type ChangeLine } from './changes';

/**
 * One line of a timeline: the audit log's admin actions (history, from `/bff/audit`) and the
 * feed's events (connects, disconnects, refusals, health turns, admin actions as they happen),
 * merged newest first. An admin action seen both ways is shown once.
 */
export interface ActivityItem {
  key: string;
  ts: string;
  kind: FeedEvent['type'];
  /** The session it is about, if any. */
  subject: string | null;
  /** Who acted (admin actions). */
  actor?: string;
  /** The role the actor acted with (issue 12; audit history only). */
  role?: string;
  /** Admin actions on a target: the verb before it ("changed" sensor-1), and whether it is a session. */
  verb?: string;
  targetIsSession?: boolean;
  /** Where an admin action came from: dashboard, JSON API, EMQX API. */
  via?: string;
  label: string;
  tone: BadgeTone;
  /** What happened, after the label. */
  text: string;
  failed: boolean;
  /** Issue 13: what an admin action changed, before → after (audit history only). */
  changes?: ChangeLine[];
}

/** "alterMqSession" → "alter mq session", for actions without a sentence below. */
export const actionWords = (action: string): string => action.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();

/** Audited actions in words: alone ("changed the session") and before their target ("changed"). */
const actionSentences: Record<string, { text: string; verb: string; session: boolean }> = {
  alterMqSession: { text: 'changed the session', verb: 'changed', session: true },
  disconnectMqSession: { text: 'disconnected the session', verb: 'disconnected', session: true },
  deleteMqSession: { text: 'deleted the session', verb: 'deleted', session: true },
  subscribeToMq: { text: 'changed the subscriptions', verb: 'changed the subscriptions of', session: true },
  publishMessagesToMq: { text: 'published messages as the session', verb: 'published messages as', session: true },
  createMqApiSession: { text: 'created the MQ API session', verb: 'created MQ API session', session: true },
  createSession: { text: 'signed in', verb: 'signed in', session: false },
  deleteSession: { text: 'signed out', verb: 'signed out', session: false },
  changePassword: { text: 'changed a password', verb: 'changed the password of', session: false },
  createApiKey: { text: 'created an API key', verb: 'created API key', session: false },
  alterApiKey: { text: 'changed an API key', verb: 'changed API key', session: false },
  deleteApiKey: { text: 'deleted an API key', verb: 'deleted API key', session: false },
  createLabel: { text: 'created a label', verb: 'created label', session: false },
  alterLabel: { text: 'changed a label', verb: 'changed label', session: false },
  undoAuditEntry: { text: 'undid a change of the session', verb: 'undid a change of', session: true },
  alterMqttUser: { text: 'changed an MQTT account', verb: 'changed MQTT account', session: false },
  alterMqttAuthSettings: { text: 'changed MQTT client access', verb: 'changed', session: false },
  alterRetentionPolicy: { text: 'changed the retention policy', verb: 'changed', session: false },
  createAccount: { text: 'created an account', verb: 'created account', session: false },
  alterAccount: { text: 'changed an account', verb: 'changed account', session: false },
  dropAccount: { text: 'deleted an account', verb: 'deleted account', session: false },
  signInFailed: { text: 'failed to sign in', verb: 'failed to sign in as', session: false },
};

const sources: Record<string, string> = { bff: 'dashboard', api: 'JSON API', emqx: 'EMQX API' };

function adminWords(action: string) {
  const known = actionSentences[action];
  return known ? { text: known.text, verb: known.verb, targetIsSession: known.session } : { text: actionWords(action), verb: actionWords(action), targetIsSession: false };
}

const adminKey = (ts: string, actor: string, action: string, target: string | null) => `admin|${Date.parse(ts)}|${actor}|${action}|${target ?? ''}`;

export function fromAudit(event: AuditEvent): ActivityItem {
  const source = typeof event.details.source === 'string' ? sources[event.details.source] : undefined;
  return {
    key: adminKey(event.ts, event.actor, event.action, event.target),
    ts: event.ts,
    kind: 'admin',
    subject: event.target,
    actor: event.actor,
    ...(event.role ? { role: event.role } : {}),
    label: 'Admin',
    tone: 'info',
    ...adminWords(event.action),
    ...(source ? { via: source } : {}),
    failed: event.errorCode !== 0,
    changes: changeLines(event.details),
  };
}

export function fromFeedEvent(event: FeedEvent, index: number): ActivityItem {
  const base = { ts: event.ts, kind: event.type, failed: false };
  switch (event.type) {
    case 'admin':
      return {
        ...base, key: adminKey(event.ts, event.actor, event.action, event.target), subject: event.target, actor: event.actor, label: 'Admin', tone: 'info',
        ...adminWords(event.action), failed: event.errorCode !== 0,
      };
    case 'connect':
      return {
        ...base, key: `connect|${event.ts}|${event.clientName}|${index}`, subject: event.clientName, label: 'Connect', tone: 'success',
        text: ['connected', event.ipaddress && `from ${event.ipaddress}`, event.mqttProtocol && `with MQTT ${event.mqttProtocol}`].filter(Boolean).join(' '),
      };
    case 'disconnect':
      return { ...base, key: `disconnect|${event.ts}|${event.clientName}|${index}`, subject: event.clientName, label: 'Disconnect', tone: 'muted', text: `disconnected: ${event.reason}` };
    case 'refused':
      return { ...base, key: `refused|${event.ts}|${event.clientName}|${index}`, subject: event.clientName, label: 'Refused', tone: 'danger', text: `connect refused: ${event.reason}` };
    case 'health':
      return {
        ...base, key: `health|${event.ts}|${event.clientName}|${index}`, subject: event.clientName,
        label: event.sessionHealth === 'unhealthy' ? 'Unhealthy' : 'Health', tone: event.sessionHealth === 'unhealthy' ? 'warning' : 'success',
        text: event.sessionHealth === 'unhealthy' ? `turned unhealthy${event.reason ? `: ${event.reason}` : ''}` : `is ${event.sessionHealth} again`,
      };
  }
}

/** Audit history and live events, newest first, an admin action seen both ways once, at most `limit`. */
export function mergeActivity(audit: readonly AuditEvent[], live: readonly FeedEvent[], limit: number): ActivityItem[] {
  const items = new Map<string, ActivityItem>();
  live.forEach((event, i) => {
    const item = fromFeedEvent(event, i);
    items.set(item.key, item);
  });
  for (const event of audit) {
    const item = fromAudit(event);
    items.set(item.key, item);
  }
  return [...items.values()].sort((a, b) => Date.parse(b.ts) - Date.parse(a.ts)).slice(0, limit);
}

/** A stored timeline event (`GET /bff/sessions/{name}/events`) as a feed event of that session. */
export const storedAsFeedEvent = (clientName: string, e: SessionEvent): FeedEvent =>
  ({ reason: '', ...e.details, type: e.type, ts: e.ts, clientName }) as FeedEvent;

/**
 * Issue 13, one session's timeline: its stored connects, disconnects, refusals and health turns,
 * the audit log's admin actions on it, and the live feed's events newer than the newest stored one
 * (the stored list is refetched as they come), newest first.
 */
export function mergeSessionTimeline(clientName: string, audit: readonly AuditEvent[], stored: readonly SessionEvent[], live: readonly FeedEvent[], limit: number): ActivityItem[] {
  const newestStored = stored.length ? Math.max(...stored.map((e) => Date.parse(e.ts))) : -Infinity;
  const fresh = live.filter((e) => e.type === 'admin' || Date.parse(e.ts) > newestStored);
  const items = mergeActivity(audit, fresh, limit + stored.length);
  const storedItems = stored.map((e) => ({ ...fromFeedEvent(storedAsFeedEvent(clientName, e), e.id), key: `stored|${e.id}` }));
  return [...items, ...storedItems].sort((a, b) => Date.parse(b.ts) - Date.parse(a.ts)).slice(0, limit);
}
