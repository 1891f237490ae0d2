import type { Broker, EmqxClientRow } from '@mqdash/broker';
import type { EmqxClient } from '@mqdash/contracts';

/** RFC 3339 in UTC written as EMQX writes it: `2023-09-15T09:36:20.871+00:00`. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

const protoVer: Record<string, number> = { '3.1': 3, '3.1.1': 4, '5.0': 5 };
const MQTT_MAX_INTERVAL = 0xffffffff;
/** Packet identifiers bound what can be in flight when the client sets no Receive Maximum. */
const MAX_IN_FLIGHT = 65535;

/**
 * A session as an EMQX 5 client (seed 004's response example; decisions in docs/emqx-api.md).
 * Counters of a session with traffic in this process come from its live counters, the rest from
 * the stored row. Fields with no counterpart (heap_size, reductions, mailbox_len, recv_oct, …) are
 * left out.
 */
export function toEmqxClient(row: EmqxClientRow, broker: Broker, node: string): EmqxClient {
  const live = broker.registry.live.get(row.clientName);
  const backlog = live?.traffic.backlog.level ?? 0;
  const v5 = row.mqttProtocol === '5.0';
  return {
    clientid: row.clientName,
    username: row.username,
    proto_name: 'MQTT',
    ...(row.mqttProtocol && protoVer[row.mqttProtocol] ? { proto_ver: protoVer[row.mqttProtocol] } : {}),
    ...(row.ipAddress !== null ? { ip_address: row.ipAddress } : {}),
    ...(row.port !== null ? { port: row.port } : {}),
    is_bridge: false,
    connected: row.connected,
    ...(row.connectedAt !== null ? { connected_at: rfc3339(row.connectedAt) } : {}),
    // Seed 004: "only returned when connected is false".
    ...(!row.connected && row.disconnectedAt !== null ? { disconnected_at: rfc3339(row.disconnectedAt) } : {}),
    created_at: rfc3339(row.createdAt),
    zone: 'default',
    keepalive: row.keepAlive,
    clean_start: row.cleanStart ?? row.temporary,
    // mqdash's "never" (4294967296) is MQTT's 0xFFFFFFFF.
    expiry_interval: Math.min(row.sessionExpiry, MQTT_MAX_INTERVAL),
    subscriptions_cnt: row.subCount,
    subscriptions_max: 'infinity',
    // aedes writes every message at once (no in-flight window): while connected the backlog is in
    // flight; while disconnected it is queued.
    inflight_cnt: row.connected ? backlog : 0,
    inflight_max: v5 ? (row.receiveMaximum ?? MAX_IN_FLIGHT) : MAX_IN_FLIGHT,
    mqueue_len: row.connected ? 0 : backlog,
    mqueue_max: 0,
    mqueue_dropped: 0,
    recv_msg: live?.traffic.published.total ?? row.totalPublished,
    send_msg: live?.traffic.received.total ?? row.totalReceived,
    node,
    ...(row.listener ? { listener: `${row.listener}:default` as const } : {}),
    is_persistent: !row.temporary,
  };
}
