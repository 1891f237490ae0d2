import type { FeedEvent } from '@mqdash/contracts';
import { useSyncExternalStore } from 'react';
import { FEED_CLIENT_PREFIX } from './live-feed';

/**
 * The feed's events (`$SYS/mqdash/events`: connects, disconnects, refusals, health turns, admin
 * actions) received since sign-in, newest first, for the overview and the session timelines.
 * The server keeps no history of connection events; admin actions also come from the audit log.
 */

const MAX_EVENTS = 2_000;

let events: readonly FeedEvent[] = [];
const listeners = new Set<() => void>();

/** Dashboards' own feed connections coming and going are not news to the administrator. */
const isFeedConnection = (event: FeedEvent) => event.type !== 'admin' && event.clientName.startsWith(FEED_CLIENT_PREFIX);

/**
 * The last health each session was reported in: the broker reports an unhealthy session again
 * whenever the broken value moves (the reason's number), which is not a new turn.
 */
const lastHealth = new Map<string, string>();

function isNews(event: FeedEvent): boolean {
  if (isFeedConnection(event)) return false;
  if (event.type === 'disconnect') lastHealth.delete(event.clientName);
  if (event.type !== 'health') return true;
  const before = lastHealth.get(event.clientName);
  lastHealth.set(event.clientName, event.sessionHealth);
  return before !== event.sessionHealth;
}

/**
 * The overview lists the unhealthy sessions (retained, so it arrives first on every connect): a
 * later health event for one of them is its reason moving, not a turn.
 */
export function noteUnhealthy(sessions: ReadonlyArray<{ clientName: string }>): void {
  for (const { clientName } of sessions) if (!lastHealth.has(clientName)) lastHealth.set(clientName, 'unhealthy');
}

/** Adds a feed message's events; returns those that are news (for notifications). */
export function appendFeedEvents(batch: readonly FeedEvent[]): FeedEvent[] {
  const relevant = batch.filter(isNews);
  if (relevant.length === 0) return relevant;
  const newestFirst = relevant.length > MAX_EVENTS ? relevant.slice(-MAX_EVENTS).reverse() : [...relevant].reverse();
  events = [...newestFirst, ...events].slice(0, MAX_EVENTS);
  for (const listener of listeners) listener();
  return relevant;
}

export function clearFeedEvents(): void {
  events = [];
  lastHealth.clear();
  for (const listener of listeners) listener();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useFeedEvents = (): readonly FeedEvent[] => useSyncExternalStore(subscribe, () => events);

/** The session an event is about (a connect's client, an admin action's target). */
export const eventSubject = (event: FeedEvent): string | null => (event.type === 'admin' ? event.target : event.clientName);
