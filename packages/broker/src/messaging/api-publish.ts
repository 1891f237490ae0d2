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

interface MatcherLike { _matcher?: { match(topic: string): unknown[] } }
interface PersistenceLike { subscriptionsByTopic(topic: string): Promise<unknown[]> }

/**
 * Whether a message on `topic` reaches anyone now: a connected MQTT client's subscription (aedes'
 * in-memory router), a stored session's QoS 1/2 subscription it would be queued for (the
 * persistence), or an MQ API session's subscription. aedes' internals are read here, in one place,
 * for the EMQX answer "no_matching_subscribers"; the engine that replaces aedes answers it itself.
 */
async function hasSubscribers(core: BrokerCore, topic: string): Promise<boolean> {
  if (core.messaging.queues.matches(topic)) return true;
  const aedes = core.engine.aedes as unknown as { mq: MatcherLike; persistence: PersistenceLike };
  if ((aedes.mq._matcher?.match(topic).length ?? 0) > 0) return true;
  return (await aedes.persistence.subscriptionsByTopic(topic)).length > 0;
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
