/** Acknowledgements of the server's own QoS 1/2 deliveries (MQTT 5 §4.3.2, §4.3.3). */
import type { IPubackPacket, IPubcompPacket, IPubrecPacket } from 'mqtt-packet';
import type { Connection } from '../connection.ts';

/** PUBACK ends a QoS 1 delivery and frees its packet identifier. */
export function handlePuback(connection: Connection, packet: IPubackPacket): void {
  connection.session?.complete(packet.messageId ?? 0);
}

/** PUBREC: answered with PUBREL [MQTT-4.3.3-4]; a failure reason ends the delivery. */
export function handlePubrec(connection: Connection, packet: IPubrecPacket): void {
  connection.session?.received(packet.messageId ?? 0, packet.reasonCode ?? 0);
}

/** PUBCOMP ends a QoS 2 delivery and frees its packet identifier. */
export function handlePubcomp(connection: Connection, packet: IPubcompPacket): void {
  connection.session?.complete(packet.messageId ?? 0);
}
