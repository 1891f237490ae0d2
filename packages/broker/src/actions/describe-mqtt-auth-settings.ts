import { describeMqttAuthSettingsParams, type MqttAuthSettings } from '@mqdash/contracts';
import { connectedByAccount } from './mqtt-user-guard.ts';
import { defineAction } from './types.ts';

/** describeMqttAuthSettings (mqdash extension): whether anonymous MQTT clients are allowed, where that comes from, and the accounts in use. */
export const describeMqttAuthSettings = defineAction({
  name: 'describeMqttAuthSettings',
  params: describeMqttAuthSettingsParams,
  run(_p, ctx): MqttAuthSettings {
    return ctx.core.mqttUsers.settings(connectedByAccount(ctx.core).get(null) ?? 0);
  },
});
