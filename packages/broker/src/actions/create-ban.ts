import { createBanParams, type CreateBanResult } from '@mqdash/contracts';
import { Reason } from '../engine/engine.ts';
import { banInfo, banTarget } from './access-format.ts';
import { banRowFrom, connectedTargets } from './ban-targets.ts';
import { syncSessionFromBan } from './session-ban.ts';
import { ActionError, defineAction } from './types.ts';

/**
 * createBan (mqdash extension, issue 12): a ban by client id, user name or address, with or
 * without a session. Refused from the next CONNECT on (0x8A Banned / return code 5); matching
 * clients connected now are disconnected, their wills discarded. 0x8A is not a DISCONNECT reason
 * code [MQTT-3.14.2.1]: MQTT 5 clients are told 0x98 Administrative action.
 */
export const createBan = defineAction({
  name: 'createBan',
  params: createBanParams,
  audit: banTarget,
  async run(p, ctx): Promise<CreateBanResult> {
    const { access, engine } = ctx.core;
    const row = banRowFrom(p, ctx, Date.now());
    if (!access.addBan(row))
      throw new ActionError('nameInUse', `params.value: a ${p.banType} ban of ${JSON.stringify(row.value)} exists already`, { property: 'params.value', value: row.value });
    if (row.banType === 'clientName') syncSessionFromBan(ctx, row.value, true);
    const targets = connectedTargets(ctx, row);
    const done = await Promise.all(targets.map((c) => engine.disconnect(c.clientName, { reasonCode: Reason.administrativeAction, dropWill: true, reason: `banned: ${p.banType} ${row.value}` })));
    return { ...banInfo(row), disconnectedClients: done.filter(Boolean).length };
  },
});
