import { deleteMqttUserParams, type DeleteMqttUserResult } from '@mqdash/contracts';
import { accountOnly, disconnectAccount, mqttUserTarget, unknownMqttUser } from './mqtt-user-guard.ts';
import { defineAction } from './types.ts';

/**
 * deleteMqttUser (mqdash extension): the account is refused from the next CONNECT on, and its
 * connected clients are disconnected at once (MQTT 5: 0x87 Not authorized, will discarded).
 */
export const deleteMqttUser = defineAction({
  name: 'deleteMqttUser',
  params: deleteMqttUserParams,
  audit: mqttUserTarget,
  async run(p, ctx): Promise<DeleteMqttUserResult> {
    accountOnly(ctx);
    if (!ctx.core.mqttUsers.delete(p.username)) throw unknownMqttUser(p.username);
    // Issue 12: its topic permissions go with it (a new account of the same name starts with none).
    ctx.core.access.removeAccountRules(p.username);
    const disconnectedClients = await disconnectAccount(ctx.core, p.username, 'MQTT account deleted');
    return { username: p.username, deleted: true, disconnectedClients };
  },
});
