import type { SessionHealth } from '@mqdash/contracts';

export interface Thresholds {
  minSend: number;
  maxSend: number;
  maxBacklog: number;
  minSubs: number;
  maxSubs: number;
}

export interface HealthInput {
  connected: boolean;
  connectedSeconds: number;
  publishRatePerMinute: number;
  backlogRatePerMinute: number;
  subscribedTopicFilters: number;
}

export const hasThresholds = (t: Thresholds): boolean =>
  t.minSend > 0 || t.maxSend > 0 || t.maxBacklog > 0 || t.minSubs > 0 || t.maxSubs > 0;

/**
 * DESIGN §3: offline when not connected; unhealthy when any set (non-zero) threshold is broken;
 * else healthy. The minimum send rate is checked only after a full minute connected.
 * Returns the first broken threshold in words as `reason`.
 */
export function evaluateHealth(t: Thresholds, s: HealthInput): { health: SessionHealth; reason: string | null } {
  if (!s.connected) return { health: 'offline', reason: null };
  const broken = (reason: string) => ({ health: 'unhealthy' as const, reason });
  if (t.minSend > 0 && s.connectedSeconds >= 60 && s.publishRatePerMinute < t.minSend)
    return broken(`publishRatePerMinute ${s.publishRatePerMinute} is below minHealthySendRatePerMinute ${t.minSend}`);
  if (t.maxSend > 0 && s.publishRatePerMinute > t.maxSend)
    return broken(`publishRatePerMinute ${s.publishRatePerMinute} is above maxHealthySendRatePerMinute ${t.maxSend}`);
  if (t.maxBacklog > 0 && s.backlogRatePerMinute > t.maxBacklog)
    return broken(`deliveryBacklogRatePerMinute ${s.backlogRatePerMinute} is above maxHealthyBacklogRatePerMinute ${t.maxBacklog}`);
  if (t.minSubs > 0 && s.subscribedTopicFilters < t.minSubs)
    return broken(`subscribed topic filters ${s.subscribedTopicFilters} is below minHealthySubscribedTopicFiltersCount ${t.minSubs}`);
  if (t.maxSubs > 0 && s.subscribedTopicFilters > t.maxSubs)
    return broken(`subscribed topic filters ${s.subscribedTopicFilters} is above maxHealthySubscribedTopicFiltersCount ${t.maxSubs}`);
  return { health: 'healthy', reason: null };
}
