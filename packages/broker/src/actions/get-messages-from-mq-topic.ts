import { getMessagesFromMqTopicParams, parseIsoTimestamp, parseStartFrom, type GetMessagesFromMqTopicResult } from '@mqdash/contracts';
import { toReceived } from '../messaging/payload.ts';
import { defineAction, warn } from './types.ts';

/**
 * getMessagesFromMqTopic (seed 003): a stateless read of the messages kept for one topic (the
 * topic history), with their positions and timestamps. Starts at the newest (`startFrom` "tail",
 * the default), the oldest kept ("head"), a time or a position (FairCom's startFrom takes both;
 * mqdash's `startTimestamp` / `startPosition` too); continue with `startFrom: nextPosition`. A topic with nothing kept
 * returns no messages, not an error.
 */
export const getMessagesFromMqTopic = defineAction({
  name: 'getMessagesFromMqTopic',
  params: getMessagesFromMqTopicParams,
  run(p, ctx): GetMessagesFromMqTopicResult {
    const { history } = ctx.core.messaging;
    if (!history.enabled) warn(ctx, 'notice', 'the topic history is turned off (TOPIC_HISTORY_LIMIT=0): no messages are kept');
    const topic = p.topic!;
    // FairCom's startFrom takes a word, a time or a position; mqdash's own two properties stay.
    const start = p.startFrom !== undefined ? parseStartFrom(p.startFrom)! : undefined;
    const startPosition = start && 'position' in start ? start.position : p.startPosition;
    const page = history.read(topic, {
      startFrom: start && 'from' in start ? start.from : undefined,
      startTimestamp: start && 'timestamp' in start ? start.timestamp : p.startTimestamp === undefined ? undefined : parseIsoTimestamp(p.startTimestamp),
      startPosition,
      max: p.maxMessages,
    });
    const now = Date.now();
    const data = page.messages.map((m) => ({ position: m.position, ...toReceived(m, p.binaryFormat, now, false) }));
    const last = data[data.length - 1];
    return {
      topic,
      data,
      firstPosition: page.firstPosition,
      lastPosition: page.lastPosition,
      storedMessages: page.storedMessages,
      nextPosition: last ? last.position + 1 : (startPosition ?? page.lastPosition + 1),
      moreRecords: page.moreRecords,
    };
  },
});
