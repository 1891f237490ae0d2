import { resolveSubscriptionAction, sharedSubscriptionParts, subscribeToMqParams, type SubscribeToMqResult } from '@mqdash/contracts';
import { subscriptionOptions } from '../registry/subscription-options.ts';
import { ActionError, defineAction } from './types.ts';

type Result = SubscribeToMqResult['results'][number];

/**
 * subscribeToMq (FairCom's page): adds and removes subscriptions of an MQTT or MQ API session
 * through `subscriptionActions`, in order. A connected MQTT client is subscribed live (MQTT 5
 * options and Subscription Identifier included); a stored session gets them for its next
 * connection; an MQ API session's queue starts matching at once. `$SYS/` filters are refused
 * (DESIGN §5). Shared subscriptions (`$share/{group}/{filter}`) deliver once per group among MQ API
 * sessions; for MQTT clients they come with mqdash's own MQTT engine, so they are refused there
 * for now rather than stored as a filter no message matches.
 */
export const subscribeToMq = defineAction({
  name: 'subscribeToMq',
  params: subscribeToMqParams,
  audit: (p, raw) => p?.clientName ?? (typeof raw.clientName === 'string' ? raw.clientName : null),
  async run(p, ctx): Promise<SubscribeToMqResult> {
    const { store, registry, engine } = ctx.core;
    const row = store.getSession(p.clientName);
    if (!row) throw new ActionError('unknownSession', `params.clientName: no session named ${JSON.stringify(p.clientName)}`, { property: 'params.clientName', value: p.clientName });
    const results: Result[] = [];
    for (const item of p.subscriptionActions) {
      const a = resolveSubscriptionAction(item);
      const base = { subscriptionAction: a.op, action: a.op === 'add' ? 'subscribe' : 'unsubscribe', topicFilter: a.topicFilter } as const;
      const refuse = (reason: string) => results.push({ ...base, succeeded: false, reason });
      if (a.op === 'add') {
        if (a.topicFilter.startsWith('$SYS')) {
          refuse('topic filters under $SYS/ are reserved for the admin feed');
          continue;
        }
        if (row.sessionType === 'mqtt' && sharedSubscriptionParts(a.topicFilter)) {
          refuse('shared subscriptions ($share/…) are delivered to MQ API sessions; MQTT clients get them with mqdash\'s own MQTT engine');
          continue;
        }
        const sub = {
          topic: a.topicFilter, qos: a.qos, nl: a.noLocal, rap: a.retainAsPublished, rh: a.retainHandling,
          ...(a.subscriptionIdentifier !== undefined ? { subscriptionIdentifier: a.subscriptionIdentifier } : {}),
        };
        if (row.sessionType === 'mqtt') await engine.subscribe(row.clientName, [sub]);
        // The engine's subscribe event records a live subscription too; this adds what only the
        // action knows (includeExpiredMessages, userProperties) and covers stored and MQ API sessions.
        registry.putSubscriptions(row, [{ topicFilter: a.topicFilter, qos: a.qos, options: subscriptionOptions(a, registry.now()) }], []);
        results.push({ ...base, qos: a.qos, succeeded: true });
      } else {
        const existed = store.subscriptions(row.id).some((s) => s.topicFilter === a.topicFilter);
        const where = row.sessionType === 'mqtt' ? await engine.unsubscribe(row.clientName, [a.topicFilter]) : 'stored';
        if (where === 'stored' || existed) registry.putSubscriptions(row, [], [a.topicFilter]);
        results.push({ ...base, succeeded: existed, ...(existed ? {} : { reason: 'no such subscription' }) });
      }
    }
    return {
      clientName: row.clientName,
      results,
      subscribedTopics: store.subscriptions(row.id).map((s) => ({ topicFilter: s.topicFilter, qos: s.qos })),
    };
  },
});
