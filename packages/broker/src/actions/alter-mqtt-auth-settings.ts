import { recordChanges } from './audit-changes.ts';
import { alterMqttAuthSettingsParams, type AlterMqttAuthSettingsResult } from '@mqdash/contracts';
import { accountOnly, MQTT_AUTH_TARGET, mqttAuthSettings } from './mqtt-user-guard.ts';
import { defineAction } from './types.ts';

/**
 * alterMqttAuthSettings (mqdash extension): switches anonymous MQTT access on or off, and sets the
 * client-id binding (issue 12). Each value given is stored; allowAnonymous wins over
 * MQTT_ALLOW_ANONYMOUS from then on, across restarts. Switching anonymous access off refuses every
 * later CONNECT without valid credentials and disconnects the clients connected without an account
 * now (MQTT 5: 0x87 Not authorized, will discarded), so "off" means off. The binding applies to
 * CONNECTs from then on.
 */
export const alterMqttAuthSettings = defineAction({
  name: 'alterMqttAuthSettings',
  params: alterMqttAuthSettingsParams,
  audit: () => MQTT_AUTH_TARGET,
  async run(p, ctx): Promise<AlterMqttAuthSettingsResult> {
    accountOnly(ctx);
    const { mqttUsers, engine, access } = ctx.core;
    const before = { allowAnonymous: mqttUsers.allowAnonymous, clientIdBinding: access.clientIdBinding };
    if (p.allowAnonymous !== undefined) mqttUsers.setAllowAnonymous(p.allowAnonymous, ctx.user!.username);
    if (p.clientIdBinding !== undefined) access.setClientIdBinding(p.clientIdBinding, ctx.user!.username);
    recordChanges(ctx, before, { allowAnonymous: mqttUsers.allowAnonymous, clientIdBinding: access.clientIdBinding });
    const disconnectedClients = p.allowAnonymous === false ? await engine.revokeAccess((account) => account === null, 'anonymous MQTT access switched off') : 0;
    return { ...mqttAuthSettings(ctx.core), disconnectedClients };
  },
});
