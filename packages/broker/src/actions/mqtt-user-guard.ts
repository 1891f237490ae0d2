import type { MqttAuthSettings } from '@mqdash/contracts';
import { ActionError, type ActionContext, type BrokerCore } from './types.ts';

/**
 * MQTT client accounts and the anonymous-access setting are managed by administrator accounts
 * (dashboard, JSON action API), never by an EMQX API key, like API keys themselves.
 */
export function accountOnly(ctx: ActionContext): void {
  if (ctx.principal !== undefined && ctx.source === 'emqx')
    throw new ActionError('notPermitted', 'MQTT client accounts are managed by an administrator account (dashboard or JSON action API), not by an API key');
}

export const unknownMqttUser = (username: string) =>
  new ActionError('unknownMqttUser', `params.username: no MQTT client account named ${JSON.stringify(username)}`, { property: 'params.username', value: username });

/** The audit target of an account: prefixed, so it never collides with a session's clientName or an API key's. */
export const mqttUserTarget = (_p: unknown, raw: Record<string, unknown>) =>
  (typeof raw.username === 'string' ? `mqttuser:${raw.username}` : null);

/** The audit target of the anonymous-access setting. */
export const MQTT_AUTH_TARGET = 'mqtt-auth';

/** Connected MQTT clients per account (null: anonymous), the dashboard's feed not counted. */
export function connectedByAccount(core: BrokerCore): Map<string | null, number> {
  const counts = new Map<string | null, number>();
  for (const c of core.engine.connectedClients()) counts.set(c.account, (counts.get(c.account) ?? 0) + 1);
  return counts;
}

/** describeMqttAuthSettings' answer: anonymous access, the accounts in use and the client-id binding. */
export const mqttAuthSettings = (core: BrokerCore): MqttAuthSettings =>
  ({ ...core.mqttUsers.settings(connectedByAccount(core).get(null) ?? 0), clientIdBinding: core.access.clientIdBinding });

/** Disconnects the connected clients of one account (disabled, deleted, or its password reset). */
export const disconnectAccount = (core: BrokerCore, username: string, why: string): Promise<number> =>
  core.engine.revokeAccess((account) => account === username, why);
