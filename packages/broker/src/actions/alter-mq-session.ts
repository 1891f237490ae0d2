import { alterMqSessionKeepsNull, alterMqSessionParams, type AlterMqSessionResult } from '@mqdash/contracts';
import { toDetail } from '../registry/format.ts';
import { recordChanges } from './audit-changes.ts';
import { syncBanFromSession } from './session-ban.ts';
import { resolveLabel, settableView, settingsPatch, willKeys } from './session-patch.ts';
import { ActionError, defineAction, warn } from './types.ts';
import type { WillSettings } from '../engine/will.ts';

/**
 * Seed 002: a patch of a session's settings that never disconnects its client. Thresholds,
 * status, label, metadata and the will take effect at once; properties fixed at CONNECT are stored
 * now and applied at the client's next connection (DESIGN §3), as debugInfo says.
 */
export const alterMqSession = defineAction({
  name: 'alterMqSession',
  params: alterMqSessionParams,
  keepNulls: alterMqSessionKeepsNull,
  audit: (p, raw) => p?.clientName ?? (typeof raw.clientName === 'string' ? raw.clientName : null),
  run(p, ctx): AlterMqSessionResult {
    const { store, registry, engine } = ctx.core;
    const now = registry.now();
    const row = store.getSession(p.clientName);
    if (!row) throw new ActionError('unknownSession', `params.clientName: no session named ${JSON.stringify(p.clientName)}`, { property: 'params.clientName', value: p.clientName });

    const { patch, settings, willChanged, deferred } = settingsPatch(row, p);
    const updated = store.transaction(() => {
      const labelId = resolveLabel(store, p.label, now);
      if (labelId !== undefined) patch.labelId = labelId;
      store.updateSession(row.id, patch);
      return store.getSession(p.clientName)!;
    });
    recordChanges(ctx, settableView(row, store), settableView(updated, store));

    syncBanFromSession(ctx, row.clientName, row.sessionStatus, updated.sessionStatus);
    registry.refreshLive(updated);
    if (row.sessionStatus === 'banned' && updated.sessionStatus !== 'banned') registry.onUnban(updated);
    const connected = row.sessionType === 'mqtt' && row.connectionStatus === 'connected';
    if (connected && willChanged) engine.setWill(row.clientName, settings as WillSettings);
    const later = deferred.filter((k) => !(willKeys as readonly string[]).includes(k));
    if (connected && later.length) {
      const note = `${later.join(', ')} take effect at the client's next connection`;
      ctx.debugInfo.deferred = later;
      warn(ctx, 'notice', note);
    }
    registry.emit('change', row.clientName);
    return toDetail(updated, registry.liveFor(row), store, { includeStats: false, includePublishedTopics: false, includeSubscribedTopics: false }, now);
  },
});
