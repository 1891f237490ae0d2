/**
 * A session: what survives a connection [MQTT-4.1.0-1]. Subscriptions, the outgoing QoS 1/2
 * messages in flight and queued, the incoming QoS 2 packet identifiers awaiting PUBREL, the expiry
 * interval. The connection it is attached to (if any) is the sink that writes packets.
 */
import type { QoS } from 'mqtt-packet';
import type { InFlightState, MessageLog, SessionMeta, SessionState, StoredMessage } from './persistence.ts';
import type { Timer } from './timer.ts';
import type { DropReason, EngineMessage, Subscription } from './types.ts';

/** A message bound for this session with the QoS, RETAIN flag and identifiers of its subscriptions. */
export interface OutgoingMessage {
  message: EngineMessage;
  qos: QoS;
  retain: boolean;
  subscriptionIds: number[];
  /** Epoch ms it joined this session's queue (QoS 1/2; retention's queuedMessagesMaxAgeDays, issue 14). */
  queuedAt?: number;
}

interface InFlight extends StoredMessage {
  /** `publish`: awaiting PUBACK/PUBREC; `pubrel`: PUBREL sent, awaiting PUBCOMP. */
  state: 'publish' | 'pubrel';
  /** QoS 2 on a stored session: the PUBLISH or PUBREL waits until its state is durable. */
  held?: boolean;
}

/** How much one session may queue; beyond either the oldest queued messages are dropped (`queue_full`). */
export interface QueueLimits {
  /** QoS 1/2 messages queued (Infinity: no limit). */
  maxQueued: number;
  /** Payload bytes of the queued messages (Infinity: no limit). */
  maxQueuedBytes: number;
}

/** What a session needs of its connection. */
export interface SessionSink {
  /** The client's Receive Maximum: QoS 1/2 PUBLISHes it accepts unacknowledged. */
  readonly receiveMaximum: number;
  /** The client is not reading fast enough: its write buffer is over the engine's limit. */
  readonly congested: boolean;
  /** Writes the PUBLISH; false when it was dropped (too large for the client). */
  sendPublish(outgoing: OutgoingMessage, packetId: number | undefined, dup: boolean): boolean;
  sendPubrel(packetId: number): void;
}

export class Session {
  readonly subscriptions = new Map<string, Subscription>();
  /** Seconds the session outlives its connection; 0xFFFFFFFF = never expires. */
  expiryInterval = 0;
  connection: SessionSink | undefined;
  /** Incoming QoS 2 packet identifiers: PUBREC sent, PUBREL not yet received [MQTT-4.3.3-10]. */
  readonly incomingQos2 = new Set<number>();
  expiryTimer: Timer | undefined;
  /** Epoch ms of the last disconnect, from which the expiry counts; undefined while connected. */
  disconnectedAt: number | undefined;
  /** Messages dropped: from the full queue (the oldest first) and QoS 0 to a congested client. */
  dropped = 0;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly queue: StoredMessage[] = [];
  /** Payload bytes of the queued messages (the queued-bytes limit counts these). */
  private queuedBytes = 0;
  private nextPacketId = 1;
  /** The `seq` of the next message (its row in the store). */
  private nextSeq = 1;
  /** Where each message change is written while the session is persistent (expiry above 0). */
  log: MessageLog | undefined;
  /** Called when the queue or the in-flight window changed (the engine saves the session). */
  onChange: (() => void) | undefined;
  /** Called for each message this session lets go undelivered, with why (for the broker's counters). */
  onDrop: ((reason: DropReason) => void) | undefined;
  /** Called when a message is first written to the client (not for a resend with DUP): delivered. */
  onSent: ((outgoing: OutgoingMessage) => void) | undefined;

  constructor(
    readonly clientId: string,
    private readonly limits: QueueLimits,
  ) {}

  /** A session as it was stored, with its subscriptions (which the caller adds to the router). */
  static restore(state: SessionState, limits: QueueLimits): Session {
    const session = new Session(state.clientId, limits);
    session.expiryInterval = state.expiryInterval;
    for (const subscription of state.subscriptions) session.subscriptions.set(subscription.filter, subscription);
    for (const entry of state.inFlight) session.inFlight.set(entry.packetId, { seq: entry.seq, outgoing: entry.outgoing, state: entry.state });
    // Rows stored without the time they were queued (imported from the aedes build) count from now.
    const now = Date.now();
    for (const entry of state.queue) {
      entry.outgoing.queuedAt ??= now;
      session.enqueue(entry);
    }
    // (a loop, not Math.max(...): a queue may hold more entries than a call takes arguments)
    for (const entry of [...state.inFlight, ...state.queue]) session.nextSeq = Math.max(session.nextSeq, entry.seq + 1);
    // packet identifiers go on after the highest in flight (not stored: it changes with every delivery)
    for (const entry of state.inFlight) session.nextPacketId = Math.max(session.nextPacketId, (entry.packetId % 0xffff) + 1);
    for (const packetId of state.incomingQos2) session.incomingQos2.add(packetId);
    session.disconnectedAt = state.disconnectedAt;
    return session;
  }

  /** What the persistence keeps of this session besides its messages (those are rows of their own). */
  meta(): SessionMeta {
    return {
      clientId: this.clientId,
      expiryInterval: this.expiryInterval,
      subscriptions: [...this.subscriptions.values()],
      incomingQos2: [...this.incomingQos2],
      disconnectedAt: this.disconnectedAt,
    };
  }

  /** The whole state, messages included (as `SessionStore.loadSessions` gives it back). */
  state(): SessionState {
    const inFlight: InFlightState[] = [];
    for (const [packetId, entry] of this.inFlight) inFlight.push({ seq: entry.seq, packetId, state: entry.state, outgoing: entry.outgoing });
    return { ...this.meta(), inFlight, queue: [...this.queue] };
  }

  /** The store, while the session is stored at all (a session that ends with its connection is not). */
  private get store(): MessageLog | undefined {
    return this.expiryInterval === 0 ? undefined : this.log;
  }

  /** Messages in flight and queued (the session's delivery backlog). */
  get backlog(): number {
    return this.inFlight.size + this.queue.length;
  }

  /**
   * Sends at once when the client's window allows, otherwise queues [MQTT-4.9.0-2]. QoS 0 goes
   * straight to a connected client and is not kept for an offline one.
   */
  deliver(outgoing: OutgoingMessage): void {
    if (outgoing.qos === 0) {
      if (this.connection?.congested) {
        this.dropped++; // a slow reader loses QoS 0, the broker's memory stays bounded
        this.onDrop?.('congested');
      }
      else if (this.connection) this.sent(outgoing, this.connection.sendPublish(outgoing, undefined, false));
      return;
    }
    const { maxQueued, maxQueuedBytes } = this.limits;
    const bytes = outgoing.message.payload.length;
    if (bytes > maxQueuedBytes) {
      // larger than the whole byte budget: it could never be queued, so it is the one dropped
      this.dropped++;
      this.onDrop?.('queue_full');
      return;
    }
    // A full queue keeps the newest messages: the oldest go until the new one fits. The count limit
    // (MQTT_MAX_QUEUED_MESSAGES) counts the messages in flight too; those were sent and wait for
    // their acknowledgement, so only queued ones are dropped.
    while (this.queue.length > 0 && (this.backlog >= maxQueued || this.queuedBytes + bytes > maxQueuedBytes)) {
      const oldest = this.dequeue();
      this.store?.removeMessage(this.clientId, oldest.seq);
      this.dropped++;
      this.onDrop?.('queue_full');
    }
    outgoing.queuedAt = Date.now();
    const entry = { seq: this.nextSeq++, outgoing };
    this.enqueue(entry);
    this.store?.addMessage(this.clientId, entry);
    this.drain();
    this.onChange?.();
  }

  /** Messages waiting in the queue (not sent) since before `cutoff` (epoch ms): in arrival order, they lead it. */
  queuedBefore(cutoff: number): number {
    let n = 0;
    while (n < this.queue.length && (this.queue[n]!.outgoing.queuedAt ?? Infinity) < cutoff) n++;
    return n;
  }

  /** Removes up to `limit` of them with their rows (retention, issue 14); returns how many. */
  purgeQueuedBefore(cutoff: number, limit: number): number {
    const n = Math.min(this.queuedBefore(cutoff), limit);
    if (n === 0) return 0;
    for (const { seq } of this.queue.splice(0, n)) this.store?.removeMessage(this.clientId, seq);
    this.onChange?.();
    return n;
  }

  /**
   * Moves queued messages into flight while the client's Receive Maximum allows [MQTT-3.3.4-9] and
   * its connection is not congested (the connection calls this again once its buffer drains).
   */
  drain(): void {
    const sink = this.connection;
    if (!sink) return;
    while (this.queue.length > 0 && this.inFlight.size < sink.receiveMaximum && !sink.congested) {
      const { seq, outgoing } = this.dequeue();
      const expiresAt = outgoing.message.expiresAt;
      if (expiresAt !== undefined && expiresAt <= Date.now()) {
        // [MQTT-3.3.2-5] a message that expired while it waited is not sent
        this.store?.removeMessage(this.clientId, seq);
        this.onDrop?.('expired');
        continue;
      }
      const packetId = this.allocatePacketId();
      if (outgoing.qos === 2 && this.store) {
        // exactly once across a crash: the packet identifier is stored before the PUBLISH goes out
        const entry: InFlight = { seq, outgoing, state: 'publish', held: true };
        this.inFlight.set(packetId, entry);
        this.store.markInFlight(this.clientId, seq, packetId, 'publish');
        this.store.afterDurable(() => this.release(packetId, entry));
        continue;
      }
      if (this.sent(outgoing, sink.sendPublish(outgoing, packetId, false))) {
        this.inFlight.set(packetId, { seq, outgoing, state: 'publish' });
        this.store?.markInFlight(this.clientId, seq, packetId, 'publish');
      } else this.store?.removeMessage(this.clientId, seq);
    }
    this.onChange?.();
  }

  /**
   * [MQTT-4.4.0-1] on a resumed session, unacknowledged PUBLISHes are sent again with DUP set and
   * PUBRELs again, in their original order; then the queue drains.
   */
  resume(): void {
    const sink = this.connection;
    if (!sink) return;
    for (const [packetId, entry] of this.inFlight) {
      if (entry.held) continue; // sent when its state is durable
      if (entry.state === 'pubrel') sink.sendPubrel(packetId);
      else sink.sendPublish(entry.outgoing, packetId, true);
    }
    this.drain();
  }

  /** PUBACK (QoS 1) or PUBCOMP (QoS 2) ends a delivery; false for an unknown packet identifier. */
  complete(packetId: number): boolean {
    const entry = this.inFlight.get(packetId);
    if (!entry) return false;
    this.inFlight.delete(packetId);
    this.store?.removeMessage(this.clientId, entry.seq);
    this.drain();
    return true;
  }

  /** PUBREC: the QoS 2 delivery moves on to PUBREL; a failure code (>= 0x80) ends it [MQTT-4.4.0-2]. */
  received(packetId: number, reasonCode: number): boolean {
    const entry = this.inFlight.get(packetId);
    if (!entry || entry.state !== 'publish') return false;
    if (reasonCode >= 0x80) return this.complete(packetId);
    entry.state = 'pubrel';
    const store = this.store;
    if (store) {
      // stored before it is sent: after a crash the delivery goes on with PUBREL, not a new PUBLISH
      entry.held = true;
      store.markInFlight(this.clientId, entry.seq, packetId, 'pubrel');
      store.afterDurable(() => this.release(packetId, entry));
    } else this.connection?.sendPubrel(packetId);
    this.onChange?.();
    return true;
  }

  /**
   * A held QoS 2 PUBLISH or PUBREL whose state is durable (or could not be stored: it is sent
   * anyway, as without a store) goes out to the current connection; without one it waits in flight
   * for the next resume.
   */
  private release(packetId: number, entry: InFlight): void {
    if (this.inFlight.get(packetId) !== entry || !entry.held) return;
    entry.held = false;
    const sink = this.connection;
    if (!sink) return;
    if (entry.state === 'pubrel') return sink.sendPubrel(packetId);
    if (this.sent(entry.outgoing, sink.sendPublish(entry.outgoing, packetId, false))) return;
    this.complete(packetId); // dropped
  }

  /**
   * Reports a first send: delivered, or dropped when the connection refused it (over the client's
   * Maximum Packet Size [MQTT-3.1.2-25], or expired just now [MQTT-3.3.2-5]). Returns `written`.
   */
  private sent(outgoing: OutgoingMessage, written: boolean): boolean {
    if (written) this.onSent?.(outgoing);
    else this.onDrop?.(expired(outgoing) ? 'expired' : 'too_large');
    return written;
  }

  private enqueue(entry: StoredMessage): void {
    this.queue.push(entry);
    this.queuedBytes += entry.outgoing.message.payload.length;
  }

  private dequeue(): StoredMessage {
    const entry = this.queue.shift()!;
    this.queuedBytes -= entry.outgoing.message.payload.length;
    return entry;
  }

  private allocatePacketId(): number {
    for (;;) {
      const id = this.nextPacketId;
      this.nextPacketId = id === 0xffff ? 1 : id + 1;
      if (!this.inFlight.has(id)) return id;
    }
  }
}

const expired = (outgoing: OutgoingMessage) => outgoing.message.expiresAt !== undefined && outgoing.message.expiresAt <= Date.now();
