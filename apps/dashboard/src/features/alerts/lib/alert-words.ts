import type { AlertCondition, AlertRule } from '@mqdash/contracts';
import { formatCount, formatRate, plural } from '../../../lib/format';

export const conditionLabel: Record<AlertCondition, string> = {
  unhealthySessions: 'Unhealthy sessions above',
  offlineSessions: 'Offline sessions above',
  connectedSessionsBelow: 'Connected sessions below',
  droppedMessagesPerMinute: 'Dropped messages per minute above',
};

/** What the rule's value counts, for "now: 3 offline sessions". */
const measureWords: Record<AlertCondition, (n: number) => string> = {
  unhealthySessions: (n) => plural(n, 'unhealthy session'),
  offlineSessions: (n) => plural(n, 'offline session'),
  connectedSessionsBelow: (n) => plural(n, 'connected session'),
  droppedMessagesPerMinute: (n) => `${formatRate(n)} dropped messages in the last minute`,
};

export const measured = (r: Pick<AlertRule, 'condition' | 'value'>): string => (r.value === null ? 'not evaluated yet' : measureWords[r.condition](r.value));

const minutes = (m: number) => (m === 0 ? 'at once' : `for ${formatRate(m)} min`);

/**
 * The rule in words: "More than 0 offline sessions (client name starting with “line-3”), for 2 min".
 * `labelName` names the rule's label when known (else its id).
 */
export function ruleSentence(r: Pick<AlertRule, 'condition' | 'threshold' | 'forMinutes' | 'partialClientName' | 'labelId'>, labelName?: (id: number) => string | undefined): string {
  const n = formatRate(r.threshold);
  const label = r.labelId !== undefined && `label ${labelName?.(r.labelId) ?? `#${formatCount(r.labelId)}`}`;
  const scope = [r.partialClientName && `client name starting with “${r.partialClientName}”`, label].filter(Boolean).join(', ');
  const what = {
    unhealthySessions: `More than ${n} unhealthy sessions`,
    offlineSessions: `More than ${n} offline sessions`,
    connectedSessionsBelow: `Fewer than ${n} connected sessions`,
    droppedMessagesPerMinute: `More than ${n} messages dropped per minute`,
  }[r.condition];
  return `${what}${scope ? ` (${scope})` : ''}, ${minutes(r.forMinutes)}`;
}
