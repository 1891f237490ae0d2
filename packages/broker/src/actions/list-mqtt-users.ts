import { listMqttUsersParams, type MqttUserInfo } from '@mqdash/contracts';
import { connectedByAccount } from './mqtt-user-guard.ts';
import { defineAction } from './types.ts';

/** listMqttUsers (mqdash extension): every MQTT client account by username, with its connected clients; never a password. */
export const listMqttUsers = defineAction({
  name: 'listMqttUsers',
  params: listMqttUsersParams,
  run(_p, ctx): { data: MqttUserInfo[] } {
    const { mqttUsers } = ctx.core;
    const connected = connectedByAccount(ctx.core);
    return { data: mqttUsers.list().map((u) => mqttUsers.info(u, connected.get(u.username) ?? 0)) };
  },
});
