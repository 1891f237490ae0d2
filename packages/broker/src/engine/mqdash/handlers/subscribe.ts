/**
 * SUBSCRIBE → SUBACK (MQTT 5 §3.8–3.9): per-filter validation and authorization, a replaced
 * subscription for a filter already held [MQTT-3.8.4-3], then retained messages as Retain Handling
 * asks.
 */
import type { ISubscribePacket, ISubscription, QoS } from 'mqtt-packet';
import type { Connection } from '../connection.ts';
import type { Engine } from '../engine.ts';
import type { Session } from '../session.ts';
import { reasonStringOfCodes } from '../reasons.ts';
import { parseFilter } from '../topics.ts';
import type { Subscription } from '../types.ts';

function subscriptionOf(connection: Connection, request: ISubscription, subscriptionId: number | undefined): Subscription | undefined {
  const parsed = parseFilter(request.topic);
  if (!parsed) return undefined;
  return {
    clientId: connection.clientId,
    filter: request.topic,
    topicFilter: parsed.topicFilter,
    group: parsed.group,
    qos: request.qos,
    noLocal: request.nl === true,
    retainAsPublished: request.rap === true,
    retainHandling: (request.rh ?? 0) as 0 | 1 | 2,
    subscriptionId,
  };
}

export async function handleSubscribe(engine: Engine, connection: Connection, packet: ISubscribePacket): Promise<void> {
  const session = connection.session!;
  const v5 = connection.protocolVersion === 5;
  // a Subscription Identifier of 0 is a protocol error (MQTT 5 §3.8.2.1.2)
  if (packet.properties?.subscriptionIdentifier === 0) return connection.disconnect(0x82);
  const codes: number[] = [];
  const sendRetained: Subscription[] = [];
  const added: Subscription[] = [];
  for (const request of packet.subscriptions) {
    const subscription = subscriptionOf(connection, request, packet.properties?.subscriptionIdentifier);
    if (!subscription) {
      // 3.1.1 has no code for it: a filter breaking [MQTT-4.7.1-2, 4.7.1-3, 4.7.3-1] is a protocol
      // violation, and the server closes the connection [MQTT-4.8.0-1]; MQTT 5 answers 0x8F
      if (!v5) return connection.disconnect(0x8f);
      codes.push(0x8f);
      continue;
    }
    // [MQTT-3.8.3-4] No Local on a shared subscription is a protocol error
    if (subscription.group !== undefined && subscription.noLocal) return connection.disconnect(0x82);
    const granted = engine.hooks.authorizeSubscribe ? await engine.hooks.authorizeSubscribe(connection.info, subscription) : subscription.qos;
    if (connection.closed) return;
    if (granted >= 0x80) {
      codes.push(v5 ? granted : 0x80);
      continue;
    }
    subscription.qos = Math.min(granted, subscription.qos) as QoS;
    const limit = engine.settings.maxSubscriptionsPerClient;
    if (!session.subscriptions.has(subscription.filter) && limit > 0 && session.subscriptions.size >= limit) {
      codes.push(v5 ? 0x97 : 0x80); // Quota exceeded
      continue;
    }
    const replaced = engine.addSubscription(session, subscription);
    codes.push(subscription.qos);
    added.push(subscription);
    if (wantsRetained(subscription, replaced)) sendRetained.push(subscription);
  }
  connection.sendAck({ cmd: 'suback', messageId: packet.messageId, granted: codes }, reasonStringOfCodes(codes)); // [MQTT-3.8.4-1]
  if (added.length > 0) engine.hooks.onSubscribe?.(connection.info, added);
  deliverRetained(engine, session, sendRetained);
}

/**
 * [MQTT-3.3.1-9, 3.3.1-10, 3.3.1-11] Retain Handling 0: always, 1: only for a new subscription,
 * 2: never; shared subscriptions get no retained messages (MQTT 5 §4.8.2).
 */
export function wantsRetained(subscription: Subscription, replaced: boolean): boolean {
  const wanted = subscription.retainHandling === 0 || (subscription.retainHandling === 1 && !replaced);
  return wanted && subscription.group === undefined;
}

/** Sends a session the retained messages its new subscriptions match (also for subscriptions made on its behalf). */
export function deliverRetained(engine: Engine, session: Session, subscriptions: Subscription[]): void {
  const now = Date.now();
  for (const subscription of subscriptions) {
    for (const message of engine.retained.match(subscription.topicFilter, now)) {
      // retained messages sent for a new subscription keep RETAIN set [MQTT-3.3.1-9]
      session.deliver({
        message,
        qos: Math.min(subscription.qos, message.qos) as QoS,
        retain: true,
        subscriptionIds: subscription.subscriptionId ? [subscription.subscriptionId] : [],
      });
    }
  }
}
