import { z } from 'zod';
import { caseInsensitiveEnum, clientNameSchema, userPropertiesSchema } from '../common.ts';
import { sharedSubscriptionParts, topicFilterSchema } from '../topics.ts';

/**
 * subscribeToMq (FairCom's page; seed 003 names it; DESIGN §4): adds and removes a session's
 * subscriptions through `subscriptionActions`, for MQTT sessions (live connection and stored
 * session) and MQ API sessions alike. FairCom's item properties are `subscriptionAction`
 * ("add" | "remove"), `topicFilter`, `subscriptionIdentifier`, `includeExpiredMessages`,
 * `receiveRetainedMessages`, `receiveMyMessages` and `userProperties`; mqdash's own spellings
 * (`action`, `noLocal`, `retainHandling`, `retainAsPublished`, `qos`) stay as aliases and extensions.
 */

/** FairCom's receiveRetainedMessages words for MQTT 5 Retain Handling 0, 1, 2 [MQTT-3.8.3.1]. */
export const receiveRetainedWords = ['onSubscription', 'onNewSubscription', 'never'] as const;
export type ReceiveRetained = (typeof receiveRetainedWords)[number];

/** [MQTT-3.8.2.1.2] Subscription Identifier: 1 to 268,435,455. */
export const MAX_SUBSCRIPTION_IDENTIFIER = 268_435_455;

export const subscriptionActionSchema = z.object({
  /** FairCom: "add" subscribes, "remove" unsubscribes (any letter case). */
  subscriptionAction: caseInsensitiveEnum(['add', 'remove']).optional(),
  /** mqdash's older spelling: "subscribe" / "unsubscribe" (also "add" / "remove"). Default add. */
  action: caseInsensitiveEnum(['subscribe', 'unsubscribe', 'add', 'remove']).optional(),
  topicFilter: topicFilterSchema,
  /** mqdash: the subscription's maximum QoS (default 2). */
  qos: z.int().min(0).max(2).default(2),
  /** FairCom: whether the session gets the messages it publishes itself; the inverse of MQTT 5 No Local. Default true. */
  receiveMyMessages: z.boolean().optional(),
  /** An older copy's spelling of receiveMyMessages. */
  receiveMyOwnMessages: z.boolean().optional(),
  /** mqdash: MQTT 5 No Local (the inverse of receiveMyMessages). */
  noLocal: z.boolean().optional(),
  /** FairCom: when retained messages are sent — on every subscribe, only on a new subscription, never. */
  receiveRetainedMessages: caseInsensitiveEnum(receiveRetainedWords).optional(),
  /** mqdash: MQTT 5 Retain Handling 0, 1, 2 (receiveRetainedMessages in numbers). */
  retainHandling: z.int().min(0).max(2).optional(),
  retainAsPublished: z.boolean().default(false),
  /** FairCom: MQTT 5 Subscription Identifier, sent with each message this subscription delivers to an MQTT 5 client. */
  subscriptionIdentifier: z.int().min(1).max(MAX_SUBSCRIPTION_IDENTIFIER).optional(),
  /** FairCom: deliver messages even after their expiry interval ran out (honoured for MQ API sessions). Default false. */
  includeExpiredMessages: z.boolean().default(false),
  /** FairCom: MQTT 5 SUBSCRIBE user properties, kept with the subscription. */
  userProperties: userPropertiesSchema.optional(),
}).superRefine((a, ctx) => {
  const disagree = (path: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: [path], params: { errorCode: 'mutuallyExclusive' }, message });
  const op = (v: string | undefined) => (v === undefined ? undefined : v === 'subscribe' || v === 'add' ? 'add' : 'remove');
  if (a.subscriptionAction !== undefined && a.action !== undefined && op(a.action) !== a.subscriptionAction)
    disagree('action', '"subscriptionAction" and its alias "action" disagree: give only subscriptionAction');
  const receive = a.receiveMyMessages ?? a.receiveMyOwnMessages;
  if (a.receiveMyMessages !== undefined && a.receiveMyOwnMessages !== undefined && a.receiveMyMessages !== a.receiveMyOwnMessages)
    disagree('receiveMyOwnMessages', '"receiveMyMessages" and its older spelling "receiveMyOwnMessages" disagree: give only receiveMyMessages');
  else if (receive !== undefined && a.noLocal !== undefined && a.noLocal === receive)
    disagree('noLocal', '"noLocal" is the inverse of "receiveMyMessages" and they disagree: give only receiveMyMessages');
  if (a.receiveRetainedMessages !== undefined && a.retainHandling !== undefined && receiveRetainedWords.indexOf(a.receiveRetainedMessages) !== a.retainHandling)
    disagree('retainHandling', '"retainHandling" is receiveRetainedMessages in numbers (0 onSubscription, 1 onNewSubscription, 2 never) and they disagree: give only one');
  // [MQTT-3.8.3-4] No Local on a shared subscription is a protocol error.
  if (sharedSubscriptionParts(a.topicFilter) && (a.noLocal === true || receive === false))
    ctx.addIssue({ code: 'custom', path: [a.noLocal === true ? 'noLocal' : 'receiveMyMessages'], params: { errorCode: 'outOfLimits' },
      message: 'a shared subscription ($share/…) cannot leave out the session\'s own messages (No Local) [MQTT-3.8.3-4]' });
});
export type SubscriptionActionInput = z.infer<typeof subscriptionActionSchema>;

/** One item of subscriptionActions with its aliases resolved. */
export interface ResolvedSubscriptionAction {
  op: 'add' | 'remove';
  topicFilter: string;
  qos: number;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: number;
  subscriptionIdentifier?: number;
  includeExpiredMessages: boolean;
  userProperties?: Array<{ key: string; value: string }>;
}

export function resolveSubscriptionAction(a: SubscriptionActionInput): ResolvedSubscriptionAction {
  const word = a.subscriptionAction ?? a.action ?? 'add';
  const receive = a.receiveMyMessages ?? a.receiveMyOwnMessages;
  return {
    op: word === 'add' || word === 'subscribe' ? 'add' : 'remove',
    topicFilter: a.topicFilter,
    qos: a.qos,
    noLocal: a.noLocal ?? (receive === undefined ? false : !receive),
    retainAsPublished: a.retainAsPublished,
    retainHandling: a.retainHandling ?? (a.receiveRetainedMessages ? receiveRetainedWords.indexOf(a.receiveRetainedMessages) : 0),
    ...(a.subscriptionIdentifier !== undefined ? { subscriptionIdentifier: a.subscriptionIdentifier } : {}),
    includeExpiredMessages: a.includeExpiredMessages,
    ...(a.userProperties !== undefined ? { userProperties: a.userProperties } : {}),
  };
}

export const subscribeToMqParams = z.object({
  clientName: clientNameSchema,
  subscriptionActions: z.array(subscriptionActionSchema).min(1).max(1000),
});
export type SubscribeToMqParams = z.infer<typeof subscribeToMqParams>;

export interface SubscribeToMqResult {
  clientName: string;
  results: Array<{
    /** FairCom's word for what was asked. */
    subscriptionAction: 'add' | 'remove';
    /** mqdash's older word for the same. */
    action: 'subscribe' | 'unsubscribe';
    topicFilter: string;
    qos?: number;
    succeeded: boolean;
    reason?: string;
  }>;
  subscribedTopics: Array<{ topicFilter: string; qos: number }>;
}
