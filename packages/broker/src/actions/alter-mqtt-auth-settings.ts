import { recordChanges } from './audit-changes.ts';
import { alterMqttAuthSettingsParams, type AlterMqttAuthSettingsResult } from '@mqdash/contracts';
import { accountOnly, connectedByAccount, MQTT_AUTH_TARGET } from './mqtt-user-guard.ts';
import { defineAction } from './types.ts';

/**
 * alterMqttAuthSettings (mqdash extension): switches anonymous MQTT access on or off. The value is
 * stored and wins over MQTT_ALLOW_ANONYMOUS from then on, across restarts. Switching it off
 * refuses every later CONNECT without valid credentials and disconnects the clients connected
 * without an account now (MQTT 5: 0x87 Not authorized, will discarded), so "off" means off.
 */
export const alterMqttAuthSettings = defineAction({
  name: 'alterMqttAuthSettings',
  params: alterMqttAuthSettingsParams,
  audit: () => MQTT_AUTH_TARGET,
  async run(p, ctx): Promise<AlterMqttAuthSettingsResult> {
    accountOnly(ctx);
    const { mqttUsers, engine } = ctx.core;
    const before = mqttUsers.settings(0).allowAnonymous;
    mqttUsers.setAllowAnonymous(p.allowAnonymous, ctx.user!.username);
    recordChanges(ctx, { allowAnonymous: before }, { allowAnonymous: mqttUsers.settings(0).allowAnonymous });
    const disconnectedClients = p.allowAnonymous ? 0 : await engine.revokeAccess((account) => account === null, 'anonymous MQTT access switched off');
    return { ...mqttUsers.settings(connectedByAccount(ctx.core).get(null) ?? 0), disconnectedClients };
  },
});
