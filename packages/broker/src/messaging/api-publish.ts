import { randomBytes } from 'node:crypto';
import type { BrokerCore } from '../actions/types.ts';
import type { MqttProps, PublishPacket } from './payload.ts';

/** A message an HTTP API publishes as the broker itself (no session), e.g. EMQX's `POST /publish`. */
export interface ApiMessage {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  properties?: MqttProps;
}

/**
 * Whether a message on `topic` reaches anyone now, for the EMQX answer "no_matching_subscribers":
 * an MQ API session's subscription, or an MQTT one the engine knows (connected or stored).
 */
async function hasSubscribers(core: BrokerCore, topic: string): Promise<boolean> {
  return core.messaging.queues.matches(topic) || (await core.engine.hasSubscribers(topic));
}

/** EMQX's message id: 16 random bytes as 32 upper-case hex digits. */
const messageId = () => randomBytes(16).toString('hex').toUpperCase();

/**
 * Publishes as the broker (to MQTT subscribers of both versions and to MQ API sessions, the topic
 * history too) and says whether any subscriber matched. Counted as a message in, like any publish.
 */
export async function publishAsBroker(core: BrokerCore, m: ApiMessage): Promise<{ id: string; matched: boolean }> {
  const matched = await hasSubscribers(core, m.topic);
  const packet: PublishPacket = {
    cmd: 'publish', topic: m.topic, payload: m.payload, qos: m.qos, retain: m.retain, dup: false,
    ...(m.properties && Object.keys(m.properties).length ? { properties: m.properties } : {}),
  };
  await core.messaging.publish([packet], () => {
    core.engine.counters.in++;
  });
  return { id: messageId(), matched };
}
