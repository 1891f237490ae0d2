/**
 * A thin persistence decorator that counts, per client, the messages queued for it and not yet
 * acknowledged (DESIGN §8: "the backlog needs a thin persistence decorator"). aedes enqueues every
 * QoS>0 message for persistent subscribers (online or not) and clears it on PUBACK/PUBCOMP, so the
 * count is the offline queue plus the in-flight messages. A clean session has no queue: aedes keeps
 * no record of its in-flight messages, so they are not counted (documented in README).
 */
type Packet = { brokerId?: string; brokerCounter?: number; messageId?: number; cmd?: string };
type Sub = { clientId: string };
type Client = { id: string };

export interface BacklogListener {
  (clientId: string, level: number): void;
}

export interface PersistenceLike {
  outgoingEnqueue(sub: Sub, packet: Packet): Promise<void>;
  outgoingEnqueueCombi(subs: Sub[], packet: Packet): Promise<void>;
  outgoingUpdate(client: Client, packet: Packet): Promise<void>;
  outgoingClearMessageId(client: Client, packet: Packet): Promise<Packet | undefined>;
  [k: string]: unknown;
}

export class BacklogCounter {
  private readonly queued = new Map<string, Set<string>>();
  /**
   * Per client, packet identifier → queued message, for QoS 2: on PUBREC aedes replaces the stored
   * PUBLISH with a PUBREL that has only the packet identifier, and PUBCOMP clears that PUBREL.
   */
  private readonly byMessageId = new Map<string, Map<number, string>>();

  constructor(private readonly listener: BacklogListener) {}

  /** Whether anything is counted for the client (so an acknowledgement may lower its backlog). */
  tracks(clientId: string): boolean {
    return this.queued.has(clientId);
  }

  level(clientId: string): number {
    return this.queued.get(clientId)?.size ?? 0;
  }

  /** Messages queued for every client together (the queue depth metric; summed when asked, not per message). */
  total(): number {
    let n = 0;
    for (const set of this.queued.values()) n += set.size;
    return n;
  }

  private notify(clientId: string): void {
    this.listener(clientId, this.level(clientId));
  }

  enqueued(clientId: string, packet: Packet): void {
    let set = this.queued.get(clientId);
    if (!set) this.queued.set(clientId, (set = new Set()));
    set.add(`${packet.brokerId}:${packet.brokerCounter}`);
    this.notify(clientId);
  }

  /** A queued message was given a packet identifier (it is being sent). */
  assigned(clientId: string, packet: Packet): void {
    if (packet.brokerId === undefined || packet.messageId === undefined) return;
    const key = `${packet.brokerId}:${packet.brokerCounter}`;
    if (!this.queued.get(clientId)?.has(key)) return;
    let ids = this.byMessageId.get(clientId);
    if (!ids) this.byMessageId.set(clientId, (ids = new Map()));
    ids.set(packet.messageId, key);
  }

  cleared(clientId: string, stored: Packet | undefined): void {
    if (!stored) return;
    const ids = this.byMessageId.get(clientId);
    let key: string | undefined;
    if (stored.brokerId !== undefined) key = `${stored.brokerId}:${stored.brokerCounter}`;
    else if (stored.messageId !== undefined) key = ids?.get(stored.messageId); // a QoS 2 PUBREL
    if (ids && stored.messageId !== undefined && ids.get(stored.messageId) === key) {
      ids.delete(stored.messageId);
      if (ids.size === 0) this.byMessageId.delete(clientId);
    }
    if (key === undefined) return;
    const set = this.queued.get(clientId);
    if (set?.delete(key)) {
      if (set.size === 0) this.queued.delete(clientId);
      this.notify(clientId);
    }
  }

  /** Queues loaded by a durable persistence at start: counted; the caller tells the registry (restoreBacklog). */
  restore(clientId: string, packets: Packet[]): void {
    let set = this.queued.get(clientId);
    for (const p of packets) {
      if (p.cmd !== undefined && p.cmd !== 'publish') continue;
      if (!set) this.queued.set(clientId, (set = new Set()));
      set.add(`${p.brokerId}:${p.brokerCounter}`);
      this.assigned(clientId, p);
    }
  }

  forget(clientId: string): void {
    this.queued.delete(clientId);
    this.byMessageId.delete(clientId);
  }

  /** A message left a full queue without being delivered (the per-client queue limit). */
  dropped(clientId: string, packet: Packet): void {
    this.cleared(clientId, packet);
    this.dropListener?.(clientId);
  }

  /** Told of every drop (the registry counts them per session). */
  dropListener: ((clientId: string) => void) | null = null;
}

/** Wraps the outgoing-queue methods of an aedes persistence instance in place. */
export function countBacklog<P extends PersistenceLike>(persistence: P, counter: BacklogCounter): P {
  const enqueue = persistence.outgoingEnqueue.bind(persistence);
  const enqueueCombi = persistence.outgoingEnqueueCombi.bind(persistence);
  const clear = persistence.outgoingClearMessageId.bind(persistence);
  const update = persistence.outgoingUpdate.bind(persistence);
  // These wrap aedes' per-message QoS 1/2 path: add no promise hop where there is nothing to count.
  persistence.outgoingEnqueue = (sub, packet) => enqueue(sub, packet).then(() => counter.enqueued(sub.clientId, packet));
  persistence.outgoingEnqueueCombi = (subs, packet) => {
    // aedes calls this for every QoS>0 PUBLISH, with an empty list when no persistent session subscribes.
    if (subs.length === 0) return enqueueCombi(subs, packet);
    return enqueueCombi(subs, packet).then(() => {
      for (const s of subs) counter.enqueued(s.clientId, packet);
    });
  };
  persistence.outgoingUpdate = (client, packet) => {
    if (counter.tracks(client.id)) counter.assigned(client.id, packet);
    return update(client, packet);
  };
  persistence.outgoingClearMessageId = (client, packet) => {
    // A PUBACK from a client with nothing queued (a clean session) has nothing to uncount.
    if (!counter.tracks(client.id)) return clear(client, packet);
    return clear(client, packet).then((stored) => {
      counter.cleared(client.id, stored);
      return stored;
    });
  };
  return persistence;
}
