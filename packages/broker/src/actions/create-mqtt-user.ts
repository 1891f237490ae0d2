import { createMqttUserParams, type MqttUserInfo } from '@mqdash/contracts';
import { accountOnly, mqttUserTarget } from './mqtt-user-guard.ts';
import { ActionError, defineAction } from './types.ts';

/**
 * createMqttUser (mqdash extension, issue 6): an account MQTT clients connect with. The password
 * is stored as a scrypt hash and never returned; the first account turns user-name checks on.
 */
export const createMqttUser = defineAction({
  name: 'createMqttUser',
  params: createMqttUserParams,
  audit: mqttUserTarget,
  async run(p, ctx): Promise<MqttUserInfo> {
    accountOnly(ctx);
    const { mqttUsers } = ctx.core;
    const inUse = () => new ActionError('nameInUse', `params.username: an MQTT client account named ${JSON.stringify(p.username)} already exists`, { property: 'params.username', value: p.username });
    if (mqttUsers.get(p.username)) throw inUse();
    const row = await mqttUsers.create({ ...p, createdBy: ctx.user!.username });
    if (!row) throw inUse();
    return mqttUsers.info(row, 0);
  },
});
