import { canonicalBanValue, type CreateBanParams } from '@mqdash/contracts';
import type { ConnectedClient } from '../engine/broker-engine.ts';
import type { BanRow } from '../store/access-store.ts';
import { creator } from './access-format.ts';
import { ActionError, type ActionContext } from './types.ts';

/** The row createBan stores (and previewBan matches with): the value canonical, the expiry checked. */
export function banRowFrom(p: CreateBanParams, ctx: ActionContext, now: number): BanRow {
  const expiresAt = p.expiresDateTime ? Date.parse(p.expiresDateTime) : null;
  if (expiresAt !== null && expiresAt <= now)
    throw new ActionError('outOfLimits', 'params.expiresDateTime: must be in the future', { property: 'params.expiresDateTime', value: p.expiresDateTime });
  return { banType: p.banType, value: canonicalBanValue(p.banType, p.value), reason: p.reason, createdBy: creator(ctx), createdAt: now, expiresAt };
}

/** The connected clients a ban matches (the dashboard's own feed connection is never listed). */
export function connectedTargets(ctx: ActionContext, row: BanRow): ConnectedClient[] {
  const hits = ctx.core.access.banMatcher1(row);
  return ctx.core.engine.connectedClients().filter((c) => hits({ clientId: c.clientName, username: c.username, remoteAddress: c.ipAddress }));
}
