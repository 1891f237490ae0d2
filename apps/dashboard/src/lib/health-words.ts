import type { HealthReason } from '@mqdash/contracts';

/** A broken threshold in words, split so the limit can carry its property name (issue 13 "Health in words"). */
export interface HealthWords {
  /** "Publishing 711/min, above the " */
  lead: string;
  /** "500/min limit": the part a tooltip explains with `limitProperty`. */
  limit: string;
  /** ", for 12 min" */
  tail: string;
  limitProperty: HealthReason['limitProperty'];
}

const number = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const n = (x: number) => number.format(x);

/** "less than a minute", "12 min", "2 h 5 min", "3 days 4 h": how long a reason has held. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  const dayText = `${days} ${days === 1 ? 'day' : 'days'}`;
  return hours % 24 ? `${dayText} ${hours % 24} h` : dayText;
}

const filters = (x: number) => `${n(x)} topic ${x === 1 ? 'filter' : 'filters'}`;

function phrase(r: HealthReason): { lead: string; limit: string } {
  const side = r.comparison === 'above' ? 'above' : 'below';
  switch (r.measure) {
    case 'publishRatePerMinute':
      return { lead: `Publishing ${n(r.value)}/min, ${side} the `, limit: `${n(r.limit)}/min ${r.comparison === 'above' ? 'limit' : 'minimum'}` };
    case 'deliveryBacklogRatePerMinute':
      return { lead: `Backlog growing ${n(r.value)}/min, ${side} the `, limit: `${n(r.limit)}/min limit` };
    case 'subscribedTopicFiltersCount':
      return { lead: `Subscribed to ${filters(r.value)}, ${side} the `, limit: `${r.comparison === 'above' ? 'maximum' : 'minimum'} of ${n(r.limit)}` };
  }
}

/** "Publishing 711/min, above the 500/min limit, for 12 min", in parts. */
export function healthReasonWords(r: HealthReason, now = Date.now()): HealthWords {
  const since = Date.parse(r.since);
  const tail = Number.isNaN(since) ? '' : `, for ${formatDuration(now - since)}`;
  return { ...phrase(r), tail, limitProperty: r.limitProperty };
}

/** The same as one string (for a tooltip, CSV or an accessible name). */
export function healthReasonText(r: HealthReason, now = Date.now()): string {
  const w = healthReasonWords(r, now);
  return `${w.lead}${w.limit}${w.tail}`;
}

