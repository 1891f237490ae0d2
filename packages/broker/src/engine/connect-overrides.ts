/**
 * What an administrator set with alterMqSession, applied to a CONNECT before the engine reads it
 * (DESIGN §3: properties fixed at CONNECT take effect at the client's next connection). Shared by
 * the aedes wrapper (engine.ts) and the own engine's adapter (mqdash-broker-engine.ts).
 */
import { willPacket, type WillSettings } from './will.ts';

/** The CONNECT fields an override may change (mqtt-packet's IConnectPacket, loosely typed for aedes). */
export interface OverridablePacket {
  protocolVersion?: number;
  clean?: boolean;
  keepalive?: number;
  properties?: Record<string, unknown>;
  will?: unknown;
}

/**
 * Changes `packet` in place; returns the keep-alive an override imposes, which an MQTT 5 client is
 * told through Server Keep Alive (a 3.1.1 client's keep-alive is replaced), or undefined.
 */
export function applyConnectOverrides(packet: OverridablePacket, o: Record<string, unknown> | null): number | undefined {
  if (!o) return undefined;
  const v5 = packet.protocolVersion === 5;
  let keepAlive: number | undefined;
  if (typeof o.temporarySession === 'boolean') {
    if (v5) packet.properties = { ...packet.properties, sessionExpiryInterval: o.temporarySession ? 0 : 0xffffffff };
    else packet.clean = o.temporarySession;
  }
  if (typeof o.sessionExpiryInterval === 'number' && v5)
    packet.properties = { ...packet.properties, sessionExpiryInterval: Math.min(o.sessionExpiryInterval, 0xffffffff) };
  if (typeof o.keepAliveSeconds === 'number') {
    keepAlive = Math.min(o.keepAliveSeconds, 65535);
    if (!v5) packet.keepalive = keepAlive;
  }
  if (v5) {
    for (const k of ['receiveMaximum', 'maximumPacketSize', 'topicAliasMaximum', 'requestProblemInformation', 'requestResponseInformation'] as const)
      if (o[k] !== undefined) packet.properties = { ...packet.properties, [k]: o[k] };
  }
  if (o.willTopic !== undefined) packet.will = willPacket(o as WillSettings, packet.protocolVersion ?? 4);
  return keepAlive;
}
