import { MAX_SUBSCRIBED_TOPIC_TOPICS, sharedSubscriptionParts, topicMatches } from '@mqdash/contracts';
import type { TopicHistory } from './topic-history.ts';

/**
 * FairCom's subscribedTopics[].topics: the topics published under a topic filter (a shared one's
 * own filter) since `sinceMs`, by name, at most `max`. The topic history tracks when each topic was
 * last published (up to TOPIC_HISTORY_MAX_TOPICS topics), so a topic whose last message came after
 * the subscription had at least one published under it since; with the history off there are none.
 */
export function topicsPublishedUnder(history: TopicHistory, filter: string, sinceMs: number, max = MAX_SUBSCRIBED_TOPIC_TOPICS): string[] {
  if (!history.enabled) return [];
  const match = sharedSubscriptionParts(filter)?.filter ?? filter;
  const out: string[] = [];
  for (const [topic, lastAt] of history.lastPublished()) if (lastAt >= sinceMs && topicMatches(match, topic)) out.push(topic);
  return out.sort().slice(0, max);
}
