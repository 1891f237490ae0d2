import type { MqttProps } from '../messaging/payload.ts';
import type { AnyPacket } from './packet-codec.ts';
import type { RetainedEntry, RetainedIndex } from './retained-index.ts';

/**
 * The console's seam onto the retained messages (issue 14): list by topic filter, describe one,
 * delete one or all matching a filter. The JSON actions, the BFF and the EMQX retainer routes read
 * through it; the persistence that stores the messages (SQLite today, PostgreSQL for a cluster)
 * implements it, so nothing here depends on the MQTT engine.
 */
export interface RetainedMessages {
  /** How many retained messages the broker holds. */
  readonly size: number;
  /** A page of the messages matching `filter` in topic order, and how many match in all. */
  list(filter: string, skip: number, limit: number): { messages: RetainedMessage[]; totalCount: number };
  /** The message retained for this exact topic, if any. */
  get(topic: string): RetainedMessage | undefined;
  /** How many messages the filter matches. */
  countMatching(filter: string): number;
  /**
   * Removes the message of one topic, or every message the filter matches, from the broker (a new
   * subscriber no longer gets it) and from the durable store; resolves, with how many were removed,
   * once the removal is on disk.
   */
  delete(topic: string): Promise<number>;
  deleteMatching(filter: string): Promise<number>;
}

/** A retained message as the console shows it. */
export interface RetainedMessage {
  topic: string;
  payload: Buffer;
  qos: number;
  /** When the broker stored it (ms since the epoch). */
  storedAt: number;
  /** When it expires (MQTT 5 Message Expiry Interval); undefined: never. */
  expiresAt?: number;
  publisherClientName?: string;
  publisherUsername?: string;
  /** MQTT 5 PUBLISH properties as mqtt-packet spells them. */
  properties?: MqttProps;
}

/** The facts kept beside a retained packet in its row's meta, under these names (never on the packet aedes gets). */
export const RETAINED_AT = 'retainedAt';
export const RETAINED_BY = 'retainedBy';
export const RETAINED_BY_USER = 'retainedByUsername';

const asBuffer = (p: Buffer | string | undefined): Buffer => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p ?? Buffer.alloc(0));

export function toRetainedMessage(e: RetainedEntry<AnyPacket>): RetainedMessage {
  const p = e.packet;
  const m: RetainedMessage = { topic: e.topic, payload: asBuffer(p.payload), qos: p.qos ?? 0, storedAt: e.storedAt };
  if (e.expiresAt !== undefined) m.expiresAt = e.expiresAt;
  if (e.publisherClientName !== undefined) m.publisherClientName = e.publisherClientName;
  if (e.publisherUsername !== undefined) m.publisherUsername = e.publisherUsername;
  if (p.properties) m.properties = p.properties as RetainedMessage['properties'];
  return m;
}

/**
 * RetainedMessages over a RetainedIndex: reads from the index; removal through `remove`, which
 * the persistence implements (index, pending writes, flush). Expired messages are purged before
 * every read, so lists and counts never show a message a subscriber would no longer get.
 */
export class IndexedRetainedMessages implements RetainedMessages {
  constructor(
    private readonly index: RetainedIndex<AnyPacket>,
    private readonly remove: (topics: string[]) => Promise<number>,
    private readonly purgeExpired: () => void,
  ) {}

  get size(): number {
    this.purgeExpired();
    return this.index.size;
  }

  list(filter: string, skip: number, limit: number): { messages: RetainedMessage[]; totalCount: number } {
    this.purgeExpired();
    const page = this.index.page(filter, skip, limit);
    return { messages: page.entries.map(toRetainedMessage), totalCount: page.totalCount };
  }

  get(topic: string): RetainedMessage | undefined {
    this.purgeExpired();
    const e = this.index.get(topic);
    return e ? toRetainedMessage(e) : undefined;
  }

  countMatching(filter: string): number {
    this.purgeExpired();
    return this.index.page(filter, 0, 0).totalCount;
  }

  delete(topic: string): Promise<number> {
    return this.remove(this.index.get(topic) ? [topic] : []);
  }

  deleteMatching(filter: string): Promise<number> {
    this.purgeExpired();
    return this.remove([...this.index.matching(filter)].map((e) => e.topic));
  }
}
