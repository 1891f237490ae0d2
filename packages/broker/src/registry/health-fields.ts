import type { HealthReason, SessionListRow } from '@mqdash/contracts';
import type { SessionRow } from '../store/types.ts';
import type { LiveSession } from './live-session.ts';

const iso = (ms: number | null): string | undefined => (ms === null ? undefined : new Date(ms).toISOString());

export type HealthFields = Pick<SessionListRow, 'sessionHealth' | 'unhealthyReason' | 'unhealthyReasonDetail' | 'unhealthySince'>;

/** The broken threshold as data, once this process has evaluated the session. */
export function reasonDetailOf(live: LiveSession): HealthReason | undefined {
  const since = live.brokenSince ?? live.unhealthySince;
  return live.broken && since !== null ? { ...live.broken, since: iso(since)! } : undefined;
}

/**
 * A session's health as lists and details report it: the live evaluation when there is one, else
 * the stored one. `unhealthyReason` stays the API's string; the structured reason and
 * `unhealthySince` are mqdash extensions (issue 13 "Health in words"), given only while unhealthy.
 */
export function healthFieldsOf(row: SessionRow, live: LiveSession | undefined): HealthFields {
  const health = live ? live.health : row.sessionHealth;
  const reason = live ? live.unhealthyReason : row.unhealthyReason;
  const since = live ? live.unhealthySince : row.unhealthySince;
  const detail = live && reasonDetailOf(live);
  if (health !== 'unhealthy') return { sessionHealth: health };
  return {
    sessionHealth: health,
    ...(reason ? { unhealthyReason: reason } : {}),
    ...(detail ? { unhealthyReasonDetail: detail } : {}),
    ...(since !== null ? { unhealthySince: iso(since)! } : {}),
  };
}
