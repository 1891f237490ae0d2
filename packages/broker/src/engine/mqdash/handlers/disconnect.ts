/** DISCONNECT from the client (MQTT 5 §3.14). */
import type { IDisconnectPacket } from 'mqtt-packet';
import type { Connection } from '../connection.ts';

export function handleDisconnect(connection: Connection, packet: IDisconnectPacket): void {
  const session = connection.session;
  const expiry = packet.properties?.sessionExpiryInterval;
  if (session && expiry !== undefined) {
    // a session opened with expiry 0 cannot be given one at DISCONNECT (MQTT 5 §3.14.2.2.2)
    if (connection.connectExpiry === 0 && expiry !== 0) return connection.disconnect(0x82);
    session.expiryInterval = expiry;
  }
  // [MQTT-3.14.4-3] DISCONNECT 0x00 discards the will; 0x04 asks for it to be published
  connection.end(packet.reasonCode ?? 0, packet.reasonCode === 0x04);
}
