import { describeMqSessionsParams, type DescribeMqSessionsResult } from '@mqdash/contracts';
import { topicsPublishedUnder } from '../messaging/subscribed-topics.ts';
import { toDetail } from '../registry/format.ts';
import { ActionError, defineAction, warn } from './types.ts';

/** Seed 001: everything about the named sessions. Unknown names are skipped with a warning. */
export const describeMqSessions = defineAction({
  name: 'describeMqSessions',
  params: describeMqSessionsParams,
  run(p, ctx): DescribeMqSessionsResult {
    const { store, registry } = ctx.core;
    const now = registry.now();
    const rows = store.getSessions(p.clientNames);
    const found = new Set(rows.map((r) => r.clientName));
    const missing = p.clientNames.filter((n: string) => !found.has(n));
    if (missing.length && rows.length === 0)
      throw new ActionError('unknownSession', `params.clientNames: no session named ${missing.slice(0, 5).map((n: string) => JSON.stringify(n)).join(', ')}`, { property: 'params.clientNames', value: missing.slice(0, 20) });
    for (const n of missing) warn(ctx, 'unknownSession', `params.clientNames: no session named ${JSON.stringify(n)}`);
    const topicsUnder = (filter: string, since: number) => topicsPublishedUnder(ctx.core.messaging.history, filter, since);
    return {
      data: rows.map((row) => {
        const detail = toDetail(row, registry.liveFor(row), store, { ...p, topicsUnder }, now);
        const accessDenials = ctx.core.access.denialsFor(row.clientName);
        return accessDenials ? { ...detail, accessDenials } : detail;
      }),
    };
  },
});
