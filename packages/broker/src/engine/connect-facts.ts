/** What both engines record of a CONNECT on the session (DESIGN §3), in one place. */
import { userPropsToList, willSettingsFromConnect } from './will.ts';

/** The CONNECT fields read here (mqtt-packet's IConnectPacket, as aedes hands it too). */
interface ConnectLike {
  protocolVersion?: number;
  clean?: boolean;
  will?: unknown;
  properties?: {
    receiveMaximum?: number;
    maximumPacketSize?: number;
    topicAliasMaximum?: number;
    requestProblemInformation?: boolean;
    requestResponseInformation?: boolean;
    userProperties?: Record<string, string | string[]>;
  };
}

/** An IPv4 address as IPv4 (not `::ffff:` mapped). */
export function normalizeIp(ip: string | undefined): string | null {
  if (!ip) return null;
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** The CONNECT-time settings recorded on the session (will, MQTT 5 limits, user properties). */
export function connectSettings(packet: ConnectLike): Record<string, unknown> {
  const p = packet.properties ?? {};
  const s: Record<string, unknown> = { ...willSettingsFromConnect(packet.will), cleanStart: !!packet.clean };
  if (packet.protocolVersion === 5) {
    s.receiveMaximum = p.receiveMaximum ?? 65535;
    if (p.maximumPacketSize !== undefined) s.maximumPacketSize = p.maximumPacketSize;
    s.topicAliasMaximum = p.topicAliasMaximum ?? 0;
    s.requestProblemInformation = p.requestProblemInformation !== false;
    s.requestResponseInformation = p.requestResponseInformation === true;
    s.userProperties = userPropsToList(p.userProperties);
  }
  return s;
}

