/**
 * The engine's per-connection and per-message accounting (DESIGN §3: "a small hook interface …
 * per-message accounting for stats"). The engine calls these at the moments it knows of; the
 * Prometheus metrics (metrics/metrics.ts) implement them, and so can any other counter. Label
 * values are small fixed sets: never a client id or a topic.
 */

/** Where a connection came in and which MQTT version it speaks. */
export interface ConnectionLabels {
  listener: 'tcp' | 'ws';
  protocol: '3.1' | '3.1.1' | '5.0';
}

/**
 * Why a CONNECT was refused, by its CONNACK: `banned` (0x8A / 5), `client_id_in_use` (the name of
 * an MQ API session: 0x85 / 2), `bad_username_or_password` (0x86 / 4), `not_authorized` (0x87 / 5),
 * `server_unavailable` (0x88 / 3: the sign-in limiter, a failed check).
 */
export type RefusalReason = 'banned' | 'client_id_in_use' | 'bad_username_or_password' | 'not_authorized' | 'server_unavailable';

/** Why a message was not delivered to a subscriber: its queue was full, or it exceeded the session's maximum packet size. */
export type DropReason = 'queue_full' | 'too_large';

export interface EngineStats {
  /** A client's connection is established (after CONNACK). */
  connected(c: ConnectionLabels): void;
  /** That connection ended (any way: DISCONNECT, lost, kicked, taken over). */
  disconnected(c: ConnectionLabels): void;
  refused(reason: RefusalReason): void;
  /** A PUBLISH from a client was accepted (QoS as sent, payload bytes). */
  received(qos: number, payloadBytes: number): void;
  /** A message is being delivered to a client (QoS as delivered, payload bytes). */
  sent(qos: number, payloadBytes: number): void;
  dropped(reason: DropReason): void;
  /** A message expired before it could be delivered [MQTT-3.3.2-5]. */
  expired(): void;
}

const noop = () => {};

/** The default EngineStats: counts nothing. */
export const noEngineStats: EngineStats = {
  connected: noop, disconnected: noop, refused: noop, received: noop, sent: noop, dropped: noop, expired: noop,
};

export const protocolLabel = (version: number): ConnectionLabels['protocol'] => (version === 5 ? '5.0' : version === 4 ? '3.1.1' : '3.1');
