import { receiveRetainedWords, type ResolvedSubscriptionAction, type SubscribedTopic } from '@mqdash/contracts';
import type { SubscriptionRow } from '../store/types.ts';

/**
 * The options kept with a subscription (the `options` JSON of the subscriptions table): MQTT 5's
 * nl / rap / rh as aedes spells them, and what FairCom's subscribeToMq adds. `subscribedAt` (epoch
 * ms) lets describeMqSessions list the topics published under the filter since it was subscribed.
 */
export interface SubscriptionOptions {
  nl?: boolean;
  rap?: boolean;
  rh?: number;
  subscriptionIdentifier?: number;
  includeExpiredMessages?: boolean;
  userProperties?: Array<{ key: string; value: string }>;
  subscribedAt?: number;
}

export function subscriptionOptions(a: ResolvedSubscriptionAction, now: number): SubscriptionOptions & Record<string, unknown> {
  return {
    nl: a.noLocal, rap: a.retainAsPublished, rh: a.retainHandling,
    ...(a.subscriptionIdentifier !== undefined ? { subscriptionIdentifier: a.subscriptionIdentifier } : {}),
    ...(a.includeExpiredMessages ? { includeExpiredMessages: true } : {}),
    ...(a.userProperties?.length ? { userProperties: a.userProperties } : {}),
    subscribedAt: now,
  };
}

/**
 * One subscribedTopics item of describeMqSessions: FairCom's names (receiveMyMessages,
 * receiveRetainedMessages, subscriptionIdentifier, includeExpiredMessages, userProperties,
 * topics) beside mqdash's MQTT ones (noLocal, retainAsPublished, retainHandling).
 */
export function describeSubscription(s: SubscriptionRow, topics: string[]): SubscribedTopic {
  const o = s.options as SubscriptionOptions;
  const rh = o.rh === undefined ? undefined : Number(o.rh);
  return {
    topicFilter: s.topicFilter,
    qos: s.qos,
    ...(o.nl !== undefined ? { noLocal: !!o.nl, receiveMyMessages: !o.nl } : {}),
    ...(o.rap !== undefined ? { retainAsPublished: !!o.rap } : {}),
    ...(rh !== undefined ? { retainHandling: rh, receiveRetainedMessages: receiveRetainedWords[rh] ?? 'onSubscription' } : {}),
    ...(o.subscriptionIdentifier !== undefined ? { subscriptionIdentifier: o.subscriptionIdentifier } : {}),
    includeExpiredMessages: o.includeExpiredMessages === true,
    ...(o.userProperties?.length ? { userProperties: o.userProperties } : {}),
    ...(o.subscribedAt !== undefined ? { subscribedDateTime: new Date(o.subscribedAt).toISOString() } : {}),
    topics: topics.map((topic) => ({ topic })),
  };
}
