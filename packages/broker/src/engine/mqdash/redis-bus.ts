/**
 * The bus between nodes (DESIGN §7, issue 11): every accepted message reaches this node's router
 * at once and every other node's router through one Redis pub/sub channel (ioredis). Each node
 * routes what it receives to its own sessions, so a subscriber gets a message once, from the node
 * that holds its connection. A node ignores its own messages coming back from Redis.
 *
 * Broadcast to every node is the first choice (simple, one PUBLISH per message); routing only to
 * the nodes whose sessions match is a later measurement (DESIGN §7 "the implementation measures
 * and chooses"). Redis pub/sub delivers at most once: a message published while a node's
 * subscription connection is down does not reach that node (issue 11's QoS 1/2 guarantee across a
 * Redis outage needs more than this bus).
 */
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';
import { fromJson, toJson } from '../../persistence/packet-codec.ts';
import type { Bus, BusHandler } from './bus.ts';
import type { EngineMessage } from './types.ts';

export interface RedisBusOptions {
  /** This node's name (issue 11 `NODE_NAME`); a random suffix keeps two instances apart. */
  nodeName: string;
  /** The pub/sub channel shared by the nodes of one cluster. */
  channel?: string;
  /** Faults: a message on the channel that is not a bus message, a failed PUBLISH, connection errors. */
  onError?(error: unknown, where: string): void;
}

/** What travels on the channel: the sending node and the message. */
const envelopeSchema = z.object({
  node: z.string().min(1),
  message: z.looseObject({
    topic: z.string().min(1),
    payload: z.instanceof(Buffer),
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    retain: z.boolean(),
    properties: z.looseObject({}),
    expiresAt: z.number().optional(),
    origin: z.string().optional(),
  }),
});

export class RedisBus implements Bus {
  readonly reachesAllSubscribers = false;
  /** This instance on the channel: the node's name and a random suffix. */
  readonly nodeId: string;
  readonly channel: string;
  private readonly handlers = new Set<BusHandler>();
  private closed = false;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly options: RedisBusOptions,
  ) {
    this.nodeId = `${options.nodeName}#${randomBytes(6).toString('base64url')}`;
    this.channel = options.channel ?? 'mqdash:bus';
  }

  /** Connects both connections and subscribes; resolves once messages of other nodes arrive. */
  static async open(redis: string | RedisOptions, options: RedisBusOptions): Promise<RedisBus> {
    const connect = () => (typeof redis === 'string' ? new Redis(redis, { lazyConnect: true }) : new Redis({ ...redis, lazyConnect: true }));
    const publisher = connect();
    const subscriber = connect();
    const bus = new RedisBus(publisher, subscriber, options);
    for (const [connection, name] of [[publisher, 'redis bus publisher'], [subscriber, 'redis bus subscriber']] as const) {
      connection.on('error', (error) => options.onError?.(error, name));
    }
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
      subscriber.on('messageBuffer', (channel: Buffer, data: Buffer) => bus.received(channel.toString(), data));
      await subscriber.subscribe(bus.channel);
    } catch (error) {
      publisher.disconnect();
      subscriber.disconnect();
      throw error;
    }
    return bus;
  }

  publish(message: EngineMessage): void {
    for (const handler of this.handlers) handler(message);
    if (this.closed) return;
    this.publisher.publish(this.channel, toJson({ node: this.nodeId, message })!).catch((error: unknown) => this.options.onError?.(error, 'redis bus publish'));
  }

  /** Whether both Redis connections are open now (readiness). */
  get connected(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready';
  }

  subscribe(handler: BusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    await Promise.all([this.publisher.quit().catch(() => this.publisher.disconnect()), this.subscriber.quit().catch(() => this.subscriber.disconnect())]);
  }

  private received(channel: string, data: Buffer): void {
    if (channel !== this.channel) return;
    let envelope: z.infer<typeof envelopeSchema>;
    try {
      envelope = envelopeSchema.parse(fromJson(data.toString()));
    } catch (error) {
      this.options.onError?.(new Error(`a message on ${channel} is not a bus message: ${error instanceof Error ? error.message : String(error)}`), 'redis bus receive');
      return;
    }
    if (envelope.node === this.nodeId) return; // delivered here already, when it was published
    const message = envelope.message as EngineMessage;
    for (const handler of this.handlers) {
      try {
        handler(message);
      } catch (error) {
        this.options.onError?.(error, 'redis bus route'); // a fault in one node's routing must not stop the bus
      }
    }
  }
}
