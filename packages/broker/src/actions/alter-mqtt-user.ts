import { recordChanges } from './audit-changes.ts';
import { alterMqttUserParams, type MqttUserChangeResult } from '@mqdash/contracts';
import { accountOnly, connectedByAccount, disconnectAccount, mqttUserTarget, unknownMqttUser } from './mqtt-user-guard.ts';
import { defineAction } from './types.ts';

/**
 * alterMqttUser (mqdash extension): a new password, enabled or disabled, a description. Disabling
 * takes effect at once: the account's connected clients are disconnected (MQTT 5: 0x87 Not
 * authorized, will discarded). A new password applies from each client's next CONNECT, or at once
 * with `disconnectClients`.
 */
export const alterMqttUser = defineAction({
  name: 'alterMqttUser',
  params: alterMqttUserParams,
  audit: mqttUserTarget,
  async run(p, ctx): Promise<MqttUserChangeResult> {
    accountOnly(ctx);
    const { mqttUsers } = ctx.core;
    const before = mqttUsers.get(p.username);
    if (!before) throw unknownMqttUser(p.username);
    const row = await mqttUsers.alter(p.username, { password: p.password, enabled: p.enabled, description: p.description });
    if (!row) throw unknownMqttUser(p.username);
    recordChanges(ctx, { ...mqttUsers.info(before, 0), ...(p.password !== undefined ? { password: 0 } : {}) }, { ...mqttUsers.info(row, 0), ...(p.password !== undefined ? { password: 1 } : {}) },
      { secrets: ['password'], ignore: ['createdDateTime', 'updatedDateTime', 'sessionCount', 'connectedClients', 'passwordChangedDateTime', 'createdBy'] });
    let disconnectedClients = 0;
    if (!row.enabled) disconnectedClients = await disconnectAccount(ctx.core, row.username, 'MQTT account disabled');
    else if (p.password !== undefined && p.disconnectClients) disconnectedClients = await disconnectAccount(ctx.core, row.username, 'MQTT account password changed');
    return { ...mqttUsers.info(row, connectedByAccount(ctx.core).get(row.username) ?? 0), disconnectedClients };
  },
});
