import { NEVER_EXPIRES, type SessionSettingsPatch } from '@mqdash/contracts';
import type { SessionPatch, SessionRow, Store } from '../store/types.ts';

/** Settings kept in the row's `settings` JSON. */
export const settingKeys = [
  'userProperties', 'mqttPayloadType', 'receiveMaximum', 'maximumPacketSize', 'topicAliasMaximum',
  'requestProblemInformation', 'requestResponseInformation', 'willTopic', 'willQoS', 'willPayload', 'willRetain',
  'willContentType', 'willCorrelationData', 'willPayloadFormatIndicator', 'willExpirySeconds', 'willDelaySeconds',
  'willResponseTopic', 'willUserProperties', 'metadata',
] as const;

export const willKeys = settingKeys.filter((k) => k.startsWith('will'));

/** Properties fixed at an MQTT CONNECT: an alter applies them at the client's next connection. */
export const connectTimeKeys = [
  'temporarySession', 'keepAliveSeconds', 'sessionExpiryInterval', 'receiveMaximum', 'maximumPacketSize',
  'topicAliasMaximum', 'requestProblemInformation', 'requestResponseInformation', ...willKeys,
] as const;

/**
 * Turns the given settable properties into a row patch. Only given properties change
 * (DESIGN §3); `temporarySession` (or `cleanSession`) also sets sessionExpiryInterval unless that
 * is given too (seed 002: "The temporarySession property sets the value of sessionExpiryInterval").
 */
export function settingsPatch(row: Pick<SessionRow, 'settings' | 'overrides' | 'sessionType'>, p: SessionSettingsPatch) {
  const patch: SessionPatch = {};
  const temporary = p.temporarySession ?? p.cleanSession;
  if (temporary !== undefined) {
    patch.temporary = temporary;
    if (p.sessionExpiryInterval === undefined) patch.sessionExpiry = temporary ? 0 : NEVER_EXPIRES;
  }
  if (p.sessionExpiryInterval !== undefined) patch.sessionExpiry = p.sessionExpiryInterval;
  if (p.sessionStatus !== undefined) patch.sessionStatus = p.sessionStatus;
  if (p.keepAliveSeconds !== undefined) patch.keepAlive = p.keepAliveSeconds;
  if (p.minHealthySendRatePerMinute !== undefined) patch.minSend = p.minHealthySendRatePerMinute;
  if (p.maxHealthySendRatePerMinute !== undefined) patch.maxSend = p.maxHealthySendRatePerMinute;
  if (p.maxHealthyBacklogRatePerMinute !== undefined) patch.maxBacklog = p.maxHealthyBacklogRatePerMinute;
  if (p.minHealthySubscribedTopicFiltersCount !== undefined) patch.minSubs = p.minHealthySubscribedTopicFiltersCount;
  if (p.maxHealthySubscribedTopicFiltersCount !== undefined) patch.maxSubs = p.maxHealthySubscribedTopicFiltersCount;

  const settings: Record<string, unknown> = { ...row.settings };
  const given = settingKeys.filter((k) => p[k] !== undefined);
  for (const k of given) settings[k] = k === 'willQoS' ? 2 : p[k];
  // [seed 002] binaryFormat utf8/json implies a UTF-8 will payload.
  if ((p.mqttPayloadType === 'utf8' || p.mqttPayloadType === 'json') && p.willPayloadFormatIndicator === undefined)
    settings.willPayloadFormatIndicator = 'utf8';
  if (given.length || settings.willPayloadFormatIndicator !== row.settings.willPayloadFormatIndicator) patch.settings = settings;

  const willChanged = willKeys.some((k) => p[k] !== undefined);
  const deferred: string[] = [];
  if (row.sessionType === 'mqtt') {
    const overrides: Record<string, unknown> = { ...row.overrides };
    for (const k of connectTimeKeys) {
      const v = k === 'temporarySession' ? temporary : p[k as keyof SessionSettingsPatch];
      if (v !== undefined) {
        overrides[k] = v;
        deferred.push(k);
      }
    }
    // The whole will goes into the overrides so the next CONNECT gets exactly the stored will.
    if (willChanged) for (const k of willKeys) overrides[k] = settings[k];
    if (deferred.length) patch.overrides = overrides;
  }
  return { patch, settings, willChanged, deferred };
}

export function resolveLabel(store: Store, label: { group: string; name: string } | null | undefined, now: number): number | null | undefined {
  if (label === undefined) return undefined;
  if (label === null) return null;
  return store.findOrCreateLabel(label.group, label.name, now).id;
}

/**
 * Issue 13: a session's settable properties under alterMqSession's names, as the audit log records
 * them before → after (and undoAuditEntry sets them back). The label is `{group, name}` or null.
 */
export function settableView(row: SessionRow, store: Store): Record<string, unknown> {
  const label = row.labelId != null ? store.getLabel(row.labelId) : undefined;
  const settings: Record<string, unknown> = {};
  for (const k of settingKeys) if (row.settings[k] !== undefined) settings[k] = row.settings[k];
  return {
    sessionStatus: row.sessionStatus, temporarySession: row.temporary, sessionExpiryInterval: row.sessionExpiry, keepAliveSeconds: row.keepAlive,
    minHealthySendRatePerMinute: row.minSend, maxHealthySendRatePerMinute: row.maxSend, maxHealthyBacklogRatePerMinute: row.maxBacklog,
    minHealthySubscribedTopicFiltersCount: row.minSubs, maxHealthySubscribedTopicFiltersCount: row.maxSubs,
    label: label ? { group: label.group, name: label.name } : null,
    ...settings,
  };
}
