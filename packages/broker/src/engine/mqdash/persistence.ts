/**
 * The persistence seam of the engine (DESIGN §3, issue 10 "Cluster-ready seams"): the protocol
 * state of persistent sessions and the retained messages. A new backend (SQLite now, PostgreSQL for
 * a cluster) is a new file implementing `SessionStore`; the engine does not change.
 */
import type { RetainedStore } from './retained.ts';
import type { OutgoingMessage } from './session.ts';
import type { Subscription } from './types.ts';
import type { PendingWill } from './will.ts';

/**
 * A QoS 1/2 message of a session, stored as a row of its own: `seq` orders the session's messages
 * (queue order, which is also the order they are sent in) and names the row for later changes.
 */
export interface StoredMessage {
  seq: number;
  outgoing: OutgoingMessage;
}

/** A QoS 1/2 delivery sent and not yet completed, under its packet identifier. */
export interface InFlightState extends StoredMessage {
  packetId: number;
  /** `publish`: awaiting PUBACK/PUBREC; `pubrel`: PUBREL sent, awaiting PUBCOMP. */
  state: 'publish' | 'pubrel';
}

/** What a session keeps besides its messages: small, written again when it changes. */
export interface SessionMeta {
  clientId: string;
  /** Seconds the session outlives its connection; 0xFFFFFFFF = never expires. */
  expiryInterval: number;
  /** Epoch ms of the disconnect the expiry counts from; undefined while connected. */
  disconnectedAt?: number;
  subscriptions: Subscription[];
  /** Incoming QoS 2 packet identifiers: PUBREC sent, PUBREL not yet received [MQTT-4.3.3-10]. */
  incomingQos2: number[];
  /** The will of the last connection, kept until it is published or cancelled. */
  will?: PendingWill;
}

/** Everything of one session that must survive a restart [MQTT-4.1.0-1]. */
export interface SessionState extends SessionMeta {
  /** In the order they were sent: resent in that order on resume [MQTT-4.6.0-1]. */
  inFlight: InFlightState[];
  /** Waiting for the client's Receive Maximum or for it to connect, oldest first. */
  queue: StoredMessage[];
}

/** Called once the writes made before the call are durable, or with the error that stopped them. */
export type DurableCallback = (error: Error | null) => void;

/**
 * The per-message operations a session makes on its store: one row per message, so queueing the
 * 1001st message writes one row and rewrites none of the 1000 before it.
 */
export interface MessageLog {
  /** A message joins the end of the session's queue. */
  addMessage(clientId: string, message: StoredMessage): void;
  /** The message was sent under `packetId` (`publish`), or its PUBREL was (`pubrel`). */
  markInFlight(clientId: string, seq: number, packetId: number, state: 'publish' | 'pubrel'): void;
  /** The delivery completed (PUBACK, PUBCOMP) or the message was dropped. */
  removeMessage(clientId: string, seq: number): void;
  /**
   * Write-ahead (DESIGN §8): `callback` runs once everything written so far is durable; many
   * callers share one commit. The memory store calls back at once. Before a PUBACK/PUBREC: the
   * queue rows of a just-routed PUBLISH, the retained message, the QoS 2 packet identifier; before
   * an outgoing QoS 2 PUBLISH or PUBREL: its in-flight state (exactly once across a crash).
   */
  afterDurable(callback: DurableCallback): void;
}

/**
 * Writes are fire-and-forget and applied in order (an implementation may batch them, as the group
 * commit does); `afterDurable` and `flush` tell when everything written before them is durable.
 * A session's meta (`saveSession`) and its messages (`MessageLog`) are stored apart; `loadSessions`
 * puts them together again.
 */
export interface SessionStore extends MessageLog {
  readonly retained: RetainedStore;
  /** Every stored session, read once when the engine starts. */
  loadSessions(): Promise<SessionState[]>;
  /** Replaces the stored meta of the session (its messages are not touched). */
  saveSession(meta: SessionMeta): void;
  /** Forgets the session with its messages. */
  removeSession(clientId: string): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}
