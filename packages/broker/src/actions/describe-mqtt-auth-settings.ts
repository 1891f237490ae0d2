import { describeMqttAuthSettingsParams, type MqttAuthSettings } from '@mqdash/contracts';
import { mqttAuthSettings } from './mqtt-user-guard.ts';
import { defineAction } from './types.ts';

/** describeMqttAuthSettings (mqdash extension): whether anonymous MQTT clients are allowed, where that comes from, the accounts in use and the client-id binding. */
export const describeMqttAuthSettings = defineAction({
  name: 'describeMqttAuthSettings',
  params: describeMqttAuthSettingsParams,
  run(_p, ctx): MqttAuthSettings {
    return mqttAuthSettings(ctx.core);
  },
});
