import type { HealthReason, SessionHealth } from '@mqdash/contracts';

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

/** A broken threshold as data; the registry adds `since` (contracts' HealthReason). */
export type BrokenThreshold = Omit<HealthReason, 'since'>;

export interface HealthVerdict {
  health: SessionHealth;
  /** The broken threshold in the API's words (`unhealthyReason`), or null. */
  reason: string | null;
  broken: BrokenThreshold | null;
}

/** The measure's name in `unhealthyReason`, unchanged since the field was added (API compatibility). */
const measureText: Record<BrokenThreshold['measure'], string> = {
  publishRatePerMinute: 'publishRatePerMinute',
  deliveryBacklogRatePerMinute: 'deliveryBacklogRatePerMinute',
  subscribedTopicFiltersCount: 'subscribed topic filters',
};

export const reasonText = (b: BrokenThreshold): string =>
  `${measureText[b.measure]} ${b.value} is ${b.comparison} ${b.limitProperty} ${b.limit}`;

/**
 * DESIGN §3: offline when not connected; unhealthy when any set (non-zero) threshold is broken;
 * else healthy. The minimum send rate is checked only after a full minute connected.
 * Names the first broken threshold, as data (`broken`) and in words (`reason`).
 */
export function evaluateHealth(t: Thresholds, s: HealthInput): HealthVerdict {
  if (!s.connected) return { health: 'offline', reason: null, broken: null };
  const b = firstBroken(t, s);
  return b ? { health: 'unhealthy', reason: reasonText(b), broken: b } : { health: 'healthy', reason: null, broken: null };
}

function firstBroken(t: Thresholds, s: HealthInput): BrokenThreshold | null {
  const send = s.publishRatePerMinute;
  const subs = s.subscribedTopicFilters;
  if (t.minSend > 0 && s.connectedSeconds >= 60 && send < t.minSend)
    return { measure: 'publishRatePerMinute', comparison: 'below', value: send, limit: t.minSend, limitProperty: 'minHealthySendRatePerMinute' };
  if (t.maxSend > 0 && send > t.maxSend)
    return { measure: 'publishRatePerMinute', comparison: 'above', value: send, limit: t.maxSend, limitProperty: 'maxHealthySendRatePerMinute' };
  if (t.maxBacklog > 0 && s.backlogRatePerMinute > t.maxBacklog)
    return {
      measure: 'deliveryBacklogRatePerMinute', comparison: 'above', value: s.backlogRatePerMinute, limit: t.maxBacklog,
      limitProperty: 'maxHealthyBacklogRatePerMinute',
    };
  if (t.minSubs > 0 && subs < t.minSubs)
    return { measure: 'subscribedTopicFiltersCount', comparison: 'below', value: subs, limit: t.minSubs, limitProperty: 'minHealthySubscribedTopicFiltersCount' };
  if (t.maxSubs > 0 && subs > t.maxSubs)
    return { measure: 'subscribedTopicFiltersCount', comparison: 'above', value: subs, limit: t.maxSubs, limitProperty: 'maxHealthySubscribedTopicFiltersCount' };
  return null;
}
