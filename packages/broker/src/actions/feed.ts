import { z } from 'zod';
import { clientNameSchema, FEED_USERNAME, type FeedTokenResponse } from '@mqdash/contracts';
import { ActionError, defineAction } from './types.ts';

/** mqdash extension: a short-lived token to connect to the admin feed over MQTT (DESIGN §5). */
export const createFeedToken = defineAction({
  name: 'createFeedToken',
  params: z.object({}),
  run(_p, ctx): FeedTokenResponse {
    const { token, expiresInSeconds } = ctx.core.feedTokens.issue(ctx.user!.username);
    return { username: FEED_USERNAME, token, expiresInSeconds, path: '/mqtt' };
  },
});

/** mqdash extension: the current overview and its per-minute history (overview charts). */
export const getOverview = defineAction({
  name: 'getOverview',
  params: z.object({ historyMinutes: z.int().min(0).max(1440).default(60) }),
  run(p, ctx) {
    return { overview: ctx.core.feed.overview(), history: ctx.core.feed.history(p.historyMinutes), retention: ctx.core.retention.describe().lastRun };
  },
});

/** mqdash extension: a session's per-minute rates over the last hour (detail charts). */
export const getSessionHistory = defineAction({
  name: 'getSessionHistory',
  params: z.object({ clientName: clientNameSchema }),
  run(p, ctx) {
    if (!ctx.core.store.getSession(p.clientName))
      throw new ActionError('unknownSession', `params.clientName: no session named ${JSON.stringify(p.clientName)}`, { property: 'params.clientName', value: p.clientName });
    return ctx.core.feed.sessionHistory(p.clientName);
  },
});
