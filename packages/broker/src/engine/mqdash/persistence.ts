/**
 * The persistence seam of the engine (DESIGN §3, issue 10 "Cluster-ready seams"): the protocol
 * state of persistent sessions and the retained messages. A new backend (SQLite now, PostgreSQL for
 * a cluster) is a new file implementing `SessionStore`; the engine does not change.
 */
import type { RetainedStore } from './retained.ts';
import type { OutgoingMessage } from './session.ts';
import type { Subscription } from './types.ts';
import type { PendingWill } from './will.ts';

/** A QoS 1/2 delivery sent and not yet completed, under its packet identifier. */
export interface InFlightState {
  packetId: number;
  /** `publish`: awaiting PUBACK/PUBREC; `pubrel`: PUBREL sent, awaiting PUBCOMP. */
  state: 'publish' | 'pubrel';
  outgoing: OutgoingMessage;
}

/** Everything of one session that must survive a restart [MQTT-4.1.0-1]. */
export interface SessionState {
  clientId: string;
  /** Seconds the session outlives its connection; 0xFFFFFFFF = never expires. */
  expiryInterval: number;
  /** Epoch ms of the disconnect the expiry counts from; undefined while connected. */
  disconnectedAt?: number;
  subscriptions: Subscription[];
  /** In the order they were sent: resent in that order on resume [MQTT-4.6.0-1]. */
  inFlight: InFlightState[];
  /** Waiting for the client's Receive Maximum or for it to connect, oldest first. */
  queue: OutgoingMessage[];
  /** Incoming QoS 2 packet identifiers: PUBREC sent, PUBREL not yet received [MQTT-4.3.3-10]. */
  incomingQos2: number[];
  /** The will of the last connection, kept until it is published or cancelled. */
  will?: PendingWill;
  nextPacketId: number;
}

/**
 * Writes are fire-and-forget (an implementation may batch them, as the group commit does); `flush`
 * resolves when everything written before it is durable.
 */
export interface SessionStore {
  readonly retained: RetainedStore;
  /** Every stored session, read once when the engine starts. */
  loadSessions(): Promise<SessionState[]>;
  /** Replaces the stored state of the session. */
  saveSession(state: SessionState): void;
  removeSession(clientId: string): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}
