import { SESSION_BAN_REASON } from '../access/ban-list.ts';
import type { SessionRow } from '../store/types.ts';
import { creator } from './access-format.ts';
import type { ActionContext } from './types.ts';


type Status = SessionRow['sessionStatus'];

/**
 * Issue 12: a session's Ban (`sessionStatus: banned`) is the ban list's `clientName` entry of its
 * client id, seen from the session; the ban list decides at CONNECT. A session turned banned adds
 * the entry (unless it exists), a session turned anything else removes it.
 */
export function syncBanFromSession(ctx: ActionContext, clientName: string, was: Status, now: Status): void {
  const { access } = ctx.core;
  if (was !== 'banned' && now === 'banned')
    access.addBan({ banType: 'clientName', value: clientName, reason: SESSION_BAN_REASON, createdBy: creator(ctx), createdAt: Date.now(), expiresAt: null });
  else if (was === 'banned' && now !== 'banned') access.removeBan('clientName', clientName);
}

/**
 * The other way: a `clientName` ban made or removed in the ban list shows on the session of that
 * client id, if there is one (banned, or back to normal; a lifted ban starts a temporary session's expiry).
 */
export function syncSessionFromBan(ctx: ActionContext, clientName: string, banned: boolean): void {
  const { store, registry } = ctx.core;
  const row = store.getSession(clientName);
  if (!row || (row.sessionStatus === 'banned') === banned) return;
  const sessionStatus: Status = banned ? 'banned' : 'normal';
  store.updateSession(row.id, { sessionStatus });
  const updated = { ...row, sessionStatus };
  registry.refreshLive(updated);
  if (!banned) registry.onUnban(updated);
  registry.emit('change', clientName);
}
