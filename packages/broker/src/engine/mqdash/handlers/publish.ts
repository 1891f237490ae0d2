/**
 * Inbound PUBLISH and PUBREL (MQTT 5 §3.3, §3.6, §4.3): topic aliases, Receive Maximum,
 * authorization, then routing; QoS 2 exactly once per session and packet identifier.
 */
import type { IPublishPacket, IPubrelPacket } from 'mqtt-packet';
import type { Connection } from '../connection.ts';
import type { Engine } from '../engine.ts';
import { reasonStringOf } from '../reasons.ts';
import { isValidTopicName } from '../topics.ts';
import type { EngineMessage } from '../types.ts';

/** The topic of a PUBLISH once its alias is applied, or the reason code to disconnect with. */
function resolveTopic(engine: Engine, connection: Connection, packet: IPublishPacket): string | number {
  const alias = packet.properties?.topicAlias;
  if (alias === undefined) return packet.topic;
  // [MQTT-3.3.2-8, 3.3.2-9] 0 or above the announced Topic Alias Maximum: 0x94
  if (alias === 0 || alias > engine.settings.topicAliasMaximum) return 0x94;
  if (packet.topic !== '') {
    connection.inboundAliases.set(alias, packet.topic); // [MQTT-3.3.2-12] the alias now names this topic
    return packet.topic;
  }
  return connection.inboundAliases.get(alias) ?? 0x82; // an alias never set is a protocol error
}

function messageOf(connection: Connection, packet: IPublishPacket, topic: string): EngineMessage {
  const { topicAlias: _alias, subscriptionIdentifier: _ids, messageExpiryInterval, ...properties } = packet.properties ?? {};
  const message: EngineMessage = {
    topic,
    payload: typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload,
    qos: packet.qos,
    retain: packet.retain,
    properties,
    origin: connection.clientId,
  };
  if (messageExpiryInterval !== undefined) message.expiresAt = Date.now() + messageExpiryInterval * 1000;
  return message;
}

/**
 * Synchronous unless the authorizePublish hook returns a promise: the common path costs no
 * microtask per packet, and the connection only holds later packets back while a hook waits.
 */
export function handlePublish(engine: Engine, connection: Connection, packet: IPublishPacket): void | Promise<void> {
  const session = connection.session!;
  const packetId = packet.messageId ?? 0;
  // overload: a client over its publish rate is disconnected, the message is not routed (MQTT 5
  // §4.13: 0x96 Message rate too high for messages/s, 0x97 Quota exceeded for bytes/s; 3.1.1: closed)
  if (connection.publishRate && !connection.publishRate.take()) return connection.disconnect(0x96);
  if (connection.publishBytesRate && !connection.publishBytesRate.take(packet.payload.length)) return connection.disconnect(0x97);
  const topic = resolveTopic(engine, connection, packet);
  if (typeof topic === 'number') return connection.disconnect(topic);
  // [MQTT-3.3.2-2] no wildcards in a topic name; 0x90 Topic Name invalid
  if (!isValidTopicName(topic)) return connection.disconnect(0x90);
  // [MQTT-3.3.4-6] a client may not send a Subscription Identifier
  if (packet.properties?.subscriptionIdentifier !== undefined) return connection.disconnect(0x82);
  if (packet.qos === 2 && session.incomingQos2.has(packetId)) {
    // [MQTT-4.3.3-10] a duplicate before PUBREL is acknowledged again, not delivered again
    connection.send({ cmd: 'pubrec', messageId: packetId });
    return;
  }
  if (packet.qos > 0 && connection.inboundQos1 + session.incomingQos2.size >= engine.settings.receiveMaximum) {
    return connection.disconnect(0x93); // [MQTT-3.3.4-7] more unacknowledged PUBLISHes than Receive Maximum
  }
  if (packet.qos === 1) connection.inboundQos1++;
  if (packet.qos === 2) session.incomingQos2.add(packetId);

  const message = messageOf(connection, packet, topic);
  const authorize = engine.hooks.authorizePublish;
  if (!authorize) return accept(engine, connection, packet, message, 0);
  const verdict = authorize(connection.info, message);
  if (typeof verdict === 'number') return accept(engine, connection, packet, message, verdict);
  return verdict.then((code) => {
    if (!connection.closed) accept(engine, connection, packet, message, code);
  });
}

/** Routes an allowed message and acknowledges it. */
function accept(engine: Engine, connection: Connection, packet: IPublishPacket, message: EngineMessage, verdict: number): void {
  const packetId = packet.messageId ?? 0;
  const matched = verdict === 0 ? engine.publish(message, connection.info) : undefined;
  // 3.1.1 cannot say no in PUBACK/PUBREC: a refused message is acknowledged and dropped.
  // MQTT 5: 0x10 No matching subscribers when the bus knows there were none (§3.4.2.1).
  const reasonCode = connection.protocolVersion !== 5 ? 0 : verdict !== 0 ? verdict : matched === false ? 0x10 : 0;
  if (packet.qos === 0) return;
  if (packet.qos === 2 && reasonCode >= 0x80) connection.session!.incomingQos2.delete(packetId); // a refused QoS 2 flow ends at PUBREC [MQTT-4.3.3-9]
  // write-ahead (DESIGN §8): acknowledged only once the queue rows, the retained message and the
  // QoS 2 packet identifier are durable; publishes arriving meanwhile share the commit
  engine.store.afterDurable((error) => {
    if (packet.qos === 1) connection.inboundQos1--;
    if (error) return void refuseNotDurable(engine, connection, packet, error);
    connection.sendAck({ cmd: packet.qos === 1 ? 'puback' : 'pubrec', messageId: packetId, reasonCode }, reasonStringOf(reasonCode));
  });
}

/**
 * The write-ahead could not be written (a full disk): the PUBLISH is not acknowledged as accepted.
 * MQTT 5 is told so, 0x80 Unspecified error with the reason when problem information is wanted
 * (the client decides whether to send it again); MQTT 3.1.1 has no negative acknowledgement, so
 * its connection ends and the client sends the PUBLISH again on its next one.
 */
function refuseNotDurable(engine: Engine, connection: Connection, packet: IPublishPacket, error: Error): void {
  if (connection.protocolVersion !== 5) return connection.disconnect(0x80);
  const session = connection.session;
  if (packet.qos === 2 && session?.incomingQos2.delete(packet.messageId ?? 0)) engine.sessionChanged(session); // the flow ends at PUBREC [MQTT-4.3.3-9]
  connection.sendAck(
    { cmd: packet.qos === 1 ? 'puback' : 'pubrec', messageId: packet.messageId ?? 0, reasonCode: 0x80 },
    `the message could not be stored: ${error.message}`,
  );
}

/** [MQTT-4.3.3-11] PUBREL releases the packet identifier; PUBCOMP answers it (0x92 when unknown). */
export function handlePubrel(connection: Connection, packet: IPubrelPacket): void {
  const packetId = packet.messageId ?? 0;
  const known = connection.session!.incomingQos2.delete(packetId);
  const reasonCode = known || connection.protocolVersion !== 5 ? 0 : 0x92;
  connection.sendAck({ cmd: 'pubcomp', messageId: packetId, reasonCode }, reasonStringOf(reasonCode));
}
