import { describeRetainedMessagesParams, type DescribeRetainedMessagesResult } from '@mqdash/contracts';
import { retainedOf, toDetail } from './retained-format.ts';
import { defineAction } from './types.ts';

/**
 * describeRetainedMessages (mqdash extension, issue 14): the retained message of each topic named,
 * with its payload and MQTT 5 properties; topics that hold none are listed apart, not an error.
 */
export const describeRetainedMessages = defineAction({
  name: 'describeRetainedMessages',
  params: describeRetainedMessagesParams,
  run(p, ctx): DescribeRetainedMessagesResult {
    const retained = retainedOf(ctx);
    const now = Date.now();
    const result: DescribeRetainedMessagesResult = { data: [], notFoundTopics: [] };
    for (const topic of new Set(p.topics)) {
      const m = retained.get(topic);
      if (m) result.data.push(toDetail(m, p.binaryFormat, now));
      else result.notFoundTopics.push(topic);
    }
    return result;
  },
});
