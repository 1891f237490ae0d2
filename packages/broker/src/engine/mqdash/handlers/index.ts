/** The packet dispatcher: one handler per packet type; anything a server never receives is a protocol error. */
import type { Packet } from 'mqtt-packet';
import type { Connection } from '../connection.ts';
import type { Engine } from '../engine.ts';
import { handlePuback, handlePubcomp, handlePubrec } from './acks.ts';
import { handleConnect } from './connect.ts';
import { handleDisconnect } from './disconnect.ts';
import { handlePublish, handlePubrel } from './publish.ts';
import { handleSubscribe } from './subscribe.ts';
import { handleUnsubscribe } from './unsubscribe.ts';

export { refuseProtocol } from './connect.ts';

export function handlePacket(engine: Engine, connection: Connection, packet: Packet): void | Promise<void> {
  if (packet.cmd === 'connect') {
    // [MQTT-3.1.0-2] a second CONNECT is a protocol error
    if (connection.established || connection.clientId !== '') return connection.disconnect(0x82);
    return handleConnect(engine, connection, packet);
  }
  if (!connection.established) return connection.disconnect(0x82);
  switch (packet.cmd) {
    case 'publish':
      return handlePublish(engine, connection, packet);
    case 'puback':
      return handlePuback(connection, packet);
    case 'pubrec':
      return handlePubrec(connection, packet);
    case 'pubrel':
      return handlePubrel(connection, packet);
    case 'pubcomp':
      return handlePubcomp(connection, packet);
    case 'subscribe':
      return handleSubscribe(engine, connection, packet);
    case 'unsubscribe':
      return handleUnsubscribe(engine, connection, packet);
    case 'pingreq':
      connection.send({ cmd: 'pingresp' }); // [MQTT-3.12.4-1]
      return;
    case 'disconnect':
      return handleDisconnect(connection, packet);
    default:
      // AUTH without an authentication method at CONNECT [MQTT-4.12.0-7], CONNACK, SUBACK, …
      return connection.disconnect(0x82);
  }
}
