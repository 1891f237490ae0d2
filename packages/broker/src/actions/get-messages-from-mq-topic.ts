import { getMessagesFromMqTopicParams, parseIsoTimestamp, type GetMessagesFromMqTopicResult } from '@mqdash/contracts';
import { toReceived } from '../messaging/payload.ts';
import { defineAction, warn } from './types.ts';

/**
 * getMessagesFromMqTopic (seed 003): a stateless read of the messages kept for one topic (the
 * topic history), with their positions and timestamps. Starts at the newest (`startFrom` "tail",
 * the default), the oldest kept ("head"), a time (`startTimestamp`) or a position
 * (`startPosition`); continue with `startPosition: nextPosition`. A topic with nothing kept
 * returns no messages, not an error.
 */
export const getMessagesFromMqTopic = defineAction({
  name: 'getMessagesFromMqTopic',
  params: getMessagesFromMqTopicParams,
  run(p, ctx): GetMessagesFromMqTopicResult {
    const { history } = ctx.core.messaging;
    if (!history.enabled) warn(ctx, 'notice', 'the topic history is turned off (TOPIC_HISTORY_LIMIT=0): no messages are kept');
    const page = history.read(p.topic, {
      startFrom: p.startFrom,
      startTimestamp: p.startTimestamp === undefined ? undefined : parseIsoTimestamp(p.startTimestamp),
      startPosition: p.startPosition,
      max: p.maxMessages,
    });
    const now = Date.now();
    const data = page.messages.map((m) => ({ position: m.position, ...toReceived(m, p.binaryFormat, now, false) }));
    const last = data[data.length - 1];
    return {
      topic: p.topic,
      data,
      firstPosition: page.firstPosition,
      lastPosition: page.lastPosition,
      storedMessages: page.storedMessages,
      nextPosition: last ? last.position + 1 : (p.startPosition ?? page.lastPosition + 1),
      moreRecords: page.moreRecords,
    };
  },
});
