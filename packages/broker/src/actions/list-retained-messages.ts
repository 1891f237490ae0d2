import { listRetainedMessagesParams, type ListRetainedMessagesResult } from '@mqdash/contracts';
import { retainedOf, toSummary } from './retained-format.ts';
import { defineAction } from './types.ts';

/** listRetainedMessages (mqdash extension, issue 14): the retained messages a topic filter matches, in topic order, paged. */
export const listRetainedMessages = defineAction({
  name: 'listRetainedMessages',
  params: listRetainedMessagesParams,
  run(p, ctx): ListRetainedMessagesResult {
    const { messages, totalCount } = retainedOf(ctx).list(p.topicFilter, p.skipRecords, p.maxRecords);
    return { data: messages.map(toSummary), totalCount };
  },
});
