import type { LiveSession } from '../registry/live-session.ts';
import type { SessionRow } from '../store/types.ts';
import { ActionError, type ActionContext } from '../actions/types.ts';

/**
 * The session an MQ API action acts as (its client's own use, DESIGN §3): it must exist and not
 * be banned; `mqApiOnly` also requires an MQ API session (getMessagesFromMqApiSession, seed 003).
 * Checks only: nothing is changed until `useSession`.
 */
export function sessionForOwnUse(ctx: ActionContext, clientName: string, mqApiOnly: boolean): SessionRow {
  const row = ctx.core.store.getSession(clientName);
  const property = 'params.clientName';
  if (!row) throw new ActionError('unknownSession', `${property}: no session named ${JSON.stringify(clientName)}`, { property, value: clientName });
  if (mqApiOnly && row.sessionType !== 'mqApi')
    throw new ActionError('outOfLimits',
      `${property}: ${JSON.stringify(clientName)} is an MQTT session; getMessagesFromMqApiSession works only with sessions created by createMqApiSession (use getMessagesFromMqTopic to read a topic)`,
      { property, value: clientName, sessionType: row.sessionType });
  if (row.sessionStatus === 'banned')
    throw new ActionError('sessionBanned', `${property}: session ${JSON.stringify(clientName)} is banned; its own use is refused (an administrator can unban it with alterMqSession)`, { property, value: clientName });
  return row;
}

/** `::ffff:127.0.0.1` (an IPv4 client on a dual-stack socket) as `127.0.0.1`, as MQTT sessions record it. */
const normalizeIp = (ip: string | undefined): string | null => (!ip ? null : ip.startsWith('::ffff:') ? ip.slice(7) : ip);

/**
 * Marks the session used and returns its live side for the stats. An MQ API session becomes
 * connectedTemporarily (seed 002) with the calling client's address and port (issue 9), and an
 * inactive one normal again, as an MQTT session does when its client connects (DESIGN §3). An MQTT
 * session is only counted, never marked connected.
 */
export function useSession(ctx: ActionContext, row: SessionRow): LiveSession {
  const { registry, store } = ctx.core;
  if (row.sessionType !== 'mqApi') return registry.liveOf(row);
  let current = row;
  if (row.sessionStatus === 'inactive') {
    store.updateSession(row.id, { sessionStatus: 'normal' });
    current = { ...row, sessionStatus: 'normal' };
    registry.refreshLive(current);
    registry.emit('change', row.clientName);
  }
  return registry.touchApiSession(current, { ipAddress: normalizeIp(ctx.remoteAddress), port: ctx.remotePort ?? null });
}
