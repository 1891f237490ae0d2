import { isUtf8 } from 'node:buffer';
import { publishMessagesToMqParams, requestPayloadFormat, type PublishMessagesToMqResult } from '@mqdash/contracts';
import { payloadToBytes, toPacket, type PublishPacket } from '../messaging/payload.ts';
import { sessionForOwnUse, useSession } from '../messaging/session-use.ts';
import { ActionError, defineAction } from './types.ts';

/**
 * publishMessagesToMq (seed 003): publishes messages as an MQ API or MQTT session, in order,
 * through the engine, so MQTT subscribers of both protocol versions get them (MQTT 5 ones with their
 * properties) and so do MQ API sessions whose subscriptions match. Counted as the session's
 * publishes. Every message is checked before the first is published.
 */
export const publishMessagesToMq = defineAction({
  name: 'publishMessagesToMq',
  params: publishMessagesToMqParams,
  audit: (p, raw) => p?.clientName ?? (typeof raw.clientName === 'string' ? raw.clientName : null),
  async run(p, ctx): Promise<PublishMessagesToMqResult> {
    const { registry, engine, messaging } = ctx.core;
    const row = sessionForOwnUse(ctx, p.clientName, false);
    const maxBytes = engine.maximumPacketSize;
    const maxLevels = engine.maxTopicLevels;
    const packets: PublishPacket[] = p.messages.map((m, i) => {
      const where = `params.messages[${i}]`;
      // params.topic is FairCom's (every message); a message's own topic is mqdash's override.
      const topic = (m.topic ?? p.topic)!;
      const topicProperty = m.topic !== undefined ? `${where}.topic` : 'params.topic';
      const format = requestPayloadFormat(m)!;
      const payload = payloadToBytes(m.payload, format);
      if (payload.length > maxBytes)
        throw new ActionError('outOfLimits', `${where}.payload: ${payload.length} bytes, more than the broker's maximum packet size of ${maxBytes} bytes`,
          { property: `${where}.payload`, bytes: payload.length });
      if (topic.split('/').length > maxLevels)
        throw new ActionError('outOfLimits', `${topicProperty}: more than ${maxLevels} topic levels`, { property: topicProperty, value: topic.slice(0, 200) });
      if ((m.payloadFormatIndicator ?? (format === 'utf8' || format === 'json' ? 'utf8' : 'none')) === 'utf8' && !isUtf8(payload))
        throw new ActionError('outOfLimits', `${where}.payload: payloadFormatIndicator is "utf8" but the payload is not UTF-8 [MQTT-3.3.2.3.2]`, { property: `${where}.payload` });
      return toPacket(m, topic, payload, format, row.clientName);
    });

    const live = useSession(ctx, row);
    let published = 0;
    try {
      await messaging.publish(packets, (packet) => {
        registry.onPublish(live, packet.topic, Date.now());
        engine.counters.in++;
        published++;
      });
    } catch (err) {
      const property = `params.messages[${published}]`;
      throw new ActionError('internal', `${property}: publishing failed (${(err as Error).message}); the ${published} message(s) before it were published`,
        { property, published });
    }
    return { clientName: row.clientName, published };
  },
});
