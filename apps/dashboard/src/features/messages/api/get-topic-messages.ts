import type { GetMessagesFromMqTopicResult } from '@mqdash/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api-client';

export interface TopicMessagesFilter {
  topic: string;
  maxMessages: number;
}

export const topicMessagesKeys = {
  all: ['topic-messages'] as const,
  topic: (topic: string) => [...topicMessagesKeys.all, topic] as const,
  list: (filter: TopicMessagesFilter) => [...topicMessagesKeys.topic(filter.topic), filter.maxMessages] as const,
};

export interface TopicMessages extends GetMessagesFromMqTopicResult {
  /** The server's warning, e.g. that the topic history is turned off. */
  warning?: string;
}

/** `GET /bff/topics/messages`: the newest messages kept for a topic, payloads in base64 (shown as text, JSON or hex here). */
export async function getTopicMessages(filter: TopicMessagesFilter, signal?: AbortSignal): Promise<TopicMessages> {
  const { data, headers } = await request<GetMessagesFromMqTopicResult>('GET', '/bff/topics/messages', {
    query: { topic: filter.topic, maxMessages: filter.maxMessages, binaryFormat: 'base64' },
    signal,
  });
  const warning = headers.get('X-Mqdash-Warning');
  return warning ? { ...data, warning } : data;
}

export const getTopicMessagesQueryOptions = (filter: TopicMessagesFilter | null) =>
  queryOptions({
    queryKey: filter ? topicMessagesKeys.list(filter) : [...topicMessagesKeys.all, 'none'],
    queryFn: ({ signal }) => getTopicMessages(filter!, signal),
    enabled: filter !== null,
  });

/** null: nothing asked yet. */
export const useTopicMessages = (filter: TopicMessagesFilter | null) => useQuery(getTopicMessagesQueryOptions(filter));
