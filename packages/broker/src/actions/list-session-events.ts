import { listSessionEventsParams, type SessionEvent } from '@mqdash/contracts';
import { iso } from '../registry/format.ts';
import { ActionError, defineAction } from './types.ts';

/** Issue 13: a session's stored connects, disconnects, refused connects and health turns, newest first. */
export const listSessionEvents = defineAction({
  name: 'listSessionEvents',
  params: listSessionEventsParams,
  run(p, ctx): { data: SessionEvent[] } {
    const { store } = ctx.core;
    if (!store.getSession(p.clientName))
      throw new ActionError('unknownSession', `params.clientName: no session named ${JSON.stringify(p.clientName)}`, { property: 'params.clientName', value: p.clientName });
    return { data: store.sessionEvents(p.clientName, p.maxRecords).map((e) => ({ id: e.id!, ts: iso(e.ts)!, type: e.type, details: e.details })) };
  },
});
