import { listSessionEventsParams, type SessionEvent } from '@mqdash/contracts';
import { iso } from '../registry/format.ts';
import { defineAction } from './types.ts';

/**
 * Issue 13: a session's stored connects, disconnects, refused connects and health turns, newest
 * first. A client name without a session has none (they are removed with the session), so it
 * answers an empty list: a timeline still open on a session just kicked is not an error.
 */
export const listSessionEvents = defineAction({
  name: 'listSessionEvents',
  params: listSessionEventsParams,
  run(p, ctx): { data: SessionEvent[] } {
    return { data: ctx.core.store.sessionEvents(p.clientName, p.maxRecords).map((e) => ({ id: e.id!, ts: iso(e.ts)!, type: e.type, details: e.details })) };
  },
});
