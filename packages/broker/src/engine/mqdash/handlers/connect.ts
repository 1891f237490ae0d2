/**
 * CONNECT → CONNACK (MQTT 3.1.1 §3.1–3.2, 5.0 §3.1–3.2): validate, authenticate, take over a
 * connected client id, open or resume the session, announce the server's limits, then resend what
 * the session had in flight.
 */
import type { IConnackPacket, IConnectPacket } from 'mqtt-packet';
import type { Connection } from '../connection.ts';
import type { Engine } from '../engine.ts';
import { rateLimitOf } from '../rate-limit.ts';
import { isValidTopicName } from '../topics.ts';
import { UNLIMITED_EXPIRY, type ConnectRequest } from '../types.ts';
import { willOf } from '../will.ts';

/** 3.1.1 has six CONNACK return codes; every MQTT 5 refusal maps to the nearest (3.1.1 §3.2.2.3). */
export function returnCodeOf(reasonCode: number): number {
  switch (reasonCode) {
    case 0:
      return 0;
    case 0x84:
      return 1;
    case 0x85:
      return 2;
    case 0x86:
    case 0x8c:
      return 4;
    case 0x87:
    case 0x8a:
      return 5;
    default:
      return 3;
  }
}

/** CONNACK with a failure code, then close [MQTT-3.2.2-6, 3.2.2-7]; no session is touched. */
function refuse(connection: Connection, reasonCode: number, reasonString?: string): void {
  const connack: IConnackPacket =
    connection.protocolVersion === 5 ? { cmd: 'connack', sessionPresent: false, reasonCode } : { cmd: 'connack', sessionPresent: false, returnCode: returnCodeOf(reasonCode) };
  // a CONNACK may carry a Reason String whatever Request Problem Information says [MQTT-3.1.2-29]
  if (connection.protocolVersion === 5 && reasonString !== undefined) connack.properties = { reasonString };
  connection.send(connack);
  connection.end(reasonCode, false);
}

/** [MQTT-3.1.2-2] an unsupported protocol level gets CONNACK 0x84 (3.1.1: return code 1) and the close. */
export function refuseProtocol(connection: Connection, level: number): void {
  connection.protocolVersion = level === 5 ? 5 : 4;
  refuse(connection, 0x84);
}

/** The reason a CONNECT is refused before authentication, or 0. */
function validate(engine: Engine, connection: Connection, packet: IConnectPacket): number {
  const v5 = connection.protocolVersion === 5;
  const properties = packet.properties ?? {};
  // [MQTT-4.12.0-1] enhanced authentication is not offered: 0x8C bad authentication method
  if (properties.authenticationMethod !== undefined) return 0x8c;
  // 3.1.1 [MQTT-3.1.3-8]: an empty client id needs a clean session
  if (packet.clientId === '' && !v5 && !packet.clean) return 0x85;
  if (packet.clientId.length > engine.settings.maxClientIdLength) return 0x85;
  // [MQTT-3.1.3-9, 3.3.2-2] the will topic is a topic name
  if (packet.will && !isValidTopicName(packet.will.topic)) return v5 ? 0x90 : 0x85;
  if (properties.receiveMaximum === 0 || properties.maximumPacketSize === 0) return 0x82;
  // overload: a new client beyond the connection limit (a takeover replaces one, so it is let in)
  const { maxConnections } = engine.settings;
  if (maxConnections > 0 && engine.connections.size >= maxConnections && !engine.connections.has(packet.clientId)) return 0x89;
  // overload: more CONNECTs this second than maxConnectRate (checked last: a refusal for another reason costs no token)
  if (engine.connectRate && !engine.connectRate.take()) return 0x9f;
  return 0;
}

export async function handleConnect(engine: Engine, connection: Connection, packet: IConnectPacket): Promise<void> {
  const v5 = packet.protocolVersion === 5;
  connection.setProtocolVersion(v5 ? 5 : 4);
  const invalid = validate(engine, connection, packet);
  if (invalid !== 0) return refuse(connection, invalid);
  // [MQTT-3.1.3-6, 3.2.2-16] an empty client id gets one assigned (returned in CONNACK in MQTT 5)
  const assigned = packet.clientId === '' ? engine.assignClientId() : undefined;
  const clientId = assigned ?? packet.clientId;
  connection.clientId = clientId;
  connection.username = packet.username;
  const requestedKeepAlive = packet.keepalive ?? 0;
  const request: ConnectRequest = { ...connection.info, password: packet.password, cleanStart: packet.clean !== false, keepAlive: requestedKeepAlive, packet, stream: connection.stream };
  const verdict = (await engine.hooks.authenticate?.(request)) ?? 0;
  if (connection.closed) return;
  if (verdict !== 0) return refuse(connection, verdict, request.reasonString);
  // the hook may have named the user otherwise (a client certificate's CN)
  connection.username = packet.username;
  // the hook may have applied an administrator's overrides to the packet and the keep-alive
  const cleanStart = packet.clean !== false;

  // [MQTT-3.1.4-3] a client id already connected: the old connection is closed (MQTT 5: 0x8E)
  engine.connections.get(clientId)?.disconnect(0x8e);

  let session = engine.sessions.get(clientId);
  // [MQTT-3.1.2-4] clean start / clean session discards the existing session, with its incoming QoS 2 state
  if (session && cleanStart) {
    engine.endSession(session);
    session = undefined;
  }
  const sessionPresent = session !== undefined; // [MQTT-3.2.2-2, 3.2.2-3]
  if (session) {
    engine.wills.cancel(clientId); // [MQTT-3.1.2-26] back before the will delay passed
    session.expiryTimer?.cancel();
  } else {
    session = engine.newSession(clientId);
    engine.sessions.set(clientId, session);
  }
  const properties = packet.properties ?? {};
  // 3.1.1: a clean session ends with the connection, any other lives until cleaned (MQTT 5 §3.1.2.11.2)
  session.expiryInterval = v5 ? (properties.sessionExpiryInterval ?? 0) : cleanStart ? 0 : UNLIMITED_EXPIRY;
  connection.connectExpiry = session.expiryInterval;
  // a stored session resumed with expiry 0 ends with this connection: the store forgets it now
  if (sessionPresent && session.expiryInterval === 0) engine.store.removeSession(clientId);
  session.disconnectedAt = undefined;
  connection.receiveMaximum = properties.receiveMaximum ?? 65535;
  connection.maximumPacketSize = properties.maximumPacketSize ?? Number.POSITIVE_INFINITY;
  connection.topicAliasMaximum = properties.topicAliasMaximum ?? 0;
  connection.requestProblemInformation = properties.requestProblemInformation !== false;
  connection.will = willOf(packet, clientId);
  connection.publishRate = rateLimitOf(engine.settings.maxPublishRate);
  connection.publishBytesRate = rateLimitOf(engine.settings.maxPublishBytesRate);
  connection.session = session;

  const keepAlive = request.keepAlive !== requestedKeepAlive ? request.keepAlive : keepAliveOf(engine, requestedKeepAlive, v5);
  connection.established = true;
  engine.connections.set(clientId, connection);
  const connack = connackOf(engine, v5, sessionPresent, assigned, keepAlive === requestedKeepAlive ? undefined : keepAlive);
  const { responseInformation } = engine.settings;
  // [MQTT-3.1.2-31] only to a client that asked for it
  if (v5 && properties.requestResponseInformation === true && responseInformation !== '') {
    connack.properties!.responseInformation = responseInformation.replaceAll('{clientId}', clientId);
  }
  connection.send(connack);
  connection.startKeepAlive(keepAlive);
  session.connection = connection;
  session.resume();
  engine.sessionChanged(session); // the will and expiry of this connection
  engine.hooks.onConnect?.(connection.info, sessionPresent);
}

/** Server Keep Alive [MQTT-3.2.2-21, 3.2.2-22]: MQTT 5 clients over the limit (or with 0) get the limit. */
function keepAliveOf(engine: Engine, requested: number, v5: boolean): number {
  const limit = engine.settings.keepAliveLimit;
  if (!v5 || limit === 0) return requested;
  return requested === 0 || requested > limit ? limit : requested;
}

function connackOf(engine: Engine, v5: boolean, sessionPresent: boolean, assigned: string | undefined, serverKeepAlive: number | undefined): IConnackPacket {
  if (!v5) return { cmd: 'connack', sessionPresent, returnCode: 0 };
  const { settings } = engine;
  const properties: NonNullable<IConnackPacket['properties']> = { topicAliasMaximum: settings.topicAliasMaximum };
  if (settings.receiveMaximum !== 65535) properties.receiveMaximum = settings.receiveMaximum;
  if (settings.maximumPacketSize > 0) properties.maximumPacketSize = settings.maximumPacketSize;
  if (assigned !== undefined) properties.assignedClientIdentifier = assigned;
  if (serverKeepAlive !== undefined) properties.serverKeepAlive = serverKeepAlive;
  return { cmd: 'connack', sessionPresent, reasonCode: 0, properties };
}
