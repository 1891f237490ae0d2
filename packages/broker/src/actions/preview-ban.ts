import { BAN_PREVIEW_SAMPLE, previewBanParams, type PreviewBanResult } from '@mqdash/contracts';
import { banRowFrom, connectedTargets } from './ban-targets.ts';
import { defineAction } from './types.ts';

/**
 * previewBan (mqdash extension, issue 12): who createBan with the same params would hit now, the
 * connected clients it would disconnect and the stored MQTT sessions it matches (by client id,
 * last user name, last address), with a sample of client ids. Nothing is stored or audited.
 */
export const previewBan = defineAction({
  name: 'previewBan',
  params: previewBanParams,
  run(p, ctx): PreviewBanResult {
    const { access, store } = ctx.core;
    const row = banRowFrom(p, ctx, Date.now());
    const connected = connectedTargets(ctx, row).map((c) => c.clientName).sort();
    const sample = connected.slice(0, BAN_PREVIEW_SAMPLE);
    const hits = access.banMatcher1(row);
    let storedSessions = 0;
    for (const s of store.banSubjects()) {
      if (!hits({ clientId: s.clientName, username: s.username, remoteAddress: s.ipAddress })) continue;
      storedSessions++;
      if (sample.length < BAN_PREVIEW_SAMPLE && !sample.includes(s.clientName)) sample.push(s.clientName);
    }
    return {
      banType: row.banType, value: row.value, connectedClients: connected.length, storedSessions,
      sampleClientNames: sample, exists: access.getBan(row.banType, row.value) !== undefined,
    };
  },
});
