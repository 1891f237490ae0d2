/** What both engines record of a CONNECT on the session (DESIGN §3), in one place. */
import type { Logger } from 'pino';
import type { SessionRegistry } from '../registry/registry.ts';
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


/**
 * A CONNECT refused by the authenticator, recorded as for a banned client (registry.admit): only a
 * session that exists records it, so refused strangers leave no rows behind.
 */
export function recordRefusal(registry: SessionRegistry, log: Logger, clientName: string, username: string | undefined, reason: string): void {
  log.info({ clientName, username, reason }, 'connect refused');
  try {
    const row = registry.get(clientName);
    if (row) registry.recordFailedConnect(row, reason);
    registry.emit('event', { type: 'refused', clientName, reason });
  } catch (err) {
    log.error({ err, clientName }, 'registry failed to record a refused connect');
  }
}
