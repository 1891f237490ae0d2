import { getMessagesFromMqApiSessionParams, sharedSubscriptionParts, type GetMessagesFromMqApiSessionResult } from '@mqdash/contracts';
import { toReceived } from '../messaging/payload.ts';
import { sessionForOwnUse, useSession } from '../messaging/session-use.ts';
import { defineAction } from './types.ts';

/**
 * getMessagesFromMqApiSession (seed 003): the messages that matched an MQ API session's
 * subscriptions since the previous call, oldest first, at most maxMessages. Returned messages are
 * consumed, so each call continues where the last ended. `topic` narrows the read to one topic
 * (FairCom); messages of other topics stay queued. Counted as the session's received messages; the
 * rest stays queued (the session's backlog).
 */
export const getMessagesFromMqApiSession = defineAction({
  name: 'getMessagesFromMqApiSession',
  params: getMessagesFromMqApiSessionParams,
  run(p, ctx): GetMessagesFromMqApiSessionResult {
    const { registry, engine, messaging } = ctx.core;
    const row = sessionForOwnUse(ctx, p.clientName, true);
    const live = useSession(ctx, row);
    const now = Date.now();
    // A shared subscription's filter narrows by its own filter: the queued messages carry plain topics.
    const topic = p.topic === undefined ? undefined : (sharedSubscriptionParts(p.topic)?.filter ?? p.topic);
    const r = messaging.queues.fetch(row.id, row.clientName, p.maxMessages, now, topic);
    for (let i = 0; i < r.messages.length; i++) registry.onDeliver(live, now);
    engine.counters.out += r.messages.length;
    return {
      clientName: row.clientName,
      data: r.messages.map((m) => toReceived(m, p.binaryFormat, now, true)),
      remainingMessages: r.remaining,
      droppedMessages: r.dropped,
    };
  },
});
