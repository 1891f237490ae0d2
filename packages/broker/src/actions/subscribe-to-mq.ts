import { subscribeToMqParams, type SubscribeToMqResult } from '@mqdash/contracts';
import { ActionError, defineAction } from './types.ts';

/**
 * subscribeToMq: adds and removes subscriptions of an MQTT or MQ API session through
 * `subscriptionActions`, in order. A connected MQTT client is subscribed live; a stored session
 * gets them for its next connection. `$SYS/` filters are refused (DESIGN §5).
 */
export const subscribeToMq = defineAction({
  name: 'subscribeToMq',
  params: subscribeToMqParams,
  audit: (p, raw) => p?.clientName ?? (typeof raw.clientName === 'string' ? raw.clientName : null),
  async run(p, ctx): Promise<SubscribeToMqResult> {
    const { store, registry, engine } = ctx.core;
    const row = store.getSession(p.clientName);
    if (!row) throw new ActionError('unknownSession', `params.clientName: no session named ${JSON.stringify(p.clientName)}`, { property: 'params.clientName', value: p.clientName });
    const results: SubscribeToMqResult['results'] = [];
    for (const a of p.subscriptionActions) {
      if (a.topicFilter.startsWith('$SYS')) {
        results.push({ action: a.action, topicFilter: a.topicFilter, succeeded: false, reason: 'topic filters under $SYS/ are reserved for the admin feed' });
        continue;
      }
      const sub = { topic: a.topicFilter, qos: a.qos, nl: a.noLocal, rap: a.retainAsPublished, rh: a.retainHandling };
      const options = { nl: a.noLocal, rap: a.retainAsPublished, rh: a.retainHandling };
      if (a.action === 'subscribe') {
        const where = row.sessionType === 'mqtt' ? await engine.subscribe(row.clientName, [sub]) : 'stored';
        // A live subscribe is recorded by the engine's subscribe event; a stored one here.
        if (where === 'stored') registry.putSubscriptions(row, [{ topicFilter: a.topicFilter, qos: a.qos, options }], []);
        results.push({ action: 'subscribe', topicFilter: a.topicFilter, qos: a.qos, succeeded: true });
      } else {
        const existed = store.subscriptions(row.id).some((s) => s.topicFilter === a.topicFilter);
        const where = row.sessionType === 'mqtt' ? await engine.unsubscribe(row.clientName, [a.topicFilter]) : 'stored';
        if (where === 'stored') registry.putSubscriptions(row, [], [a.topicFilter]);
        results.push({ action: 'unsubscribe', topicFilter: a.topicFilter, succeeded: existed, ...(existed ? {} : { reason: 'no such subscription' }) });
      }
    }
    return {
      clientName: row.clientName,
      results,
      subscribedTopics: store.subscriptions(row.id).map((s) => ({ topicFilter: s.topicFilter, qos: s.qos })),
    };
  },
});
