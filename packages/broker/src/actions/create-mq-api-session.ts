import { randomBytes } from 'node:crypto';
import { createMqApiSessionParams, sessionDefaults, type CreateMqApiSessionResult } from '@mqdash/contracts';
import { toDetail } from '../registry/format.ts';
import { newSessionDefaults } from '../registry/registry.ts';
import { resolveLabel, settingsPatch } from './session-patch.ts';
import { ActionError, defineAction } from './types.ts';

/** Seed 003: a new MQ API session; names are one namespace with MQTT sessions. */
export const createMqApiSession = defineAction({
  name: 'createMqApiSession',
  params: createMqApiSessionParams,
  audit: (p, raw) => p?.clientName || (typeof raw.clientName === 'string' ? raw.clientName : null),
  run(p, ctx): CreateMqApiSessionResult {
    const { store, registry } = ctx.core;
    const now = registry.now();
    // DESIGN §3: an empty clientName gets a unique generated name.
    let clientName = p.clientName;
    while (!clientName) {
      const candidate = `mqapi-${randomBytes(6).toString('hex')}`;
      if (!store.getSession(candidate)) clientName = candidate;
    }
    if (store.getSession(clientName))
      throw new ActionError('nameInUse', `params.clientName: "${clientName}" already names a session`, { property: 'params.clientName', value: clientName });

    const base = newSessionDefaults(clientName, 'mqApi', now);
    const temporary = p.temporarySession ?? p.cleanSession ?? false;
    const withDefaults = { ...sessionDefaults, ...stripUndefined(p), temporarySession: temporary, cleanSession: undefined };
    const { patch, settings } = settingsPatch({ settings: {}, overrides: {}, sessionType: 'mqApi' }, withDefaults);
    const row = store.transaction(() =>
      store.insertSession({
        ...base,
        ...patch,
        // [seed 003] the response example's "username" is the account that created the session.
        username: ctx.user!.username,
        mqttProtocol: p.mqttProtocol,
        settings,
        overrides: {},
        labelId: resolveLabel(store, p.label, now) ?? null,
        // A temporary MQ API session ends with the authToken that created it (DESIGN §3).
        creatorToken: temporary ? ctx.user!.tokenHash : null,
      }));
    registry.emit('change', clientName);
    const detail = toDetail(row, undefined, store, { includeStats: false, includePublishedTopics: false, includeSubscribedTopics: false }, now);
    return { ...detail, sessionPresent: false };
  },
});

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
