import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { BrokerEngine } from '../engine/broker-engine.ts';
import type { SessionRegistry } from '../registry/registry.ts';
import type { SessionRow } from '../store/types.ts';
import { ApiSessionQueues, type ApiQueueOptions } from './api-session-queues.ts';
import type { PublishPacket } from './payload.ts';
import { messagingSchema } from './schema.ts';
import { TopicHistory, type TopicHistoryOptions } from './topic-history.ts';

/** createBroker's `messaging` option; every value also has an environment variable (README). */
export interface MessagingOptions {
  topicHistory?: Partial<TopicHistoryOptions>;
  apiSessionQueue?: Partial<ApiQueueOptions>;
}

export interface ResolvedMessagingOptions {
  topicHistory: TopicHistoryOptions;
  apiSessionQueue: ApiQueueOptions;
}

export const messagingDefaults: ResolvedMessagingOptions = {
  topicHistory: {
    limit: 1000,
    maxBytesPerTopic: 1024 * 1024,
    maxTopics: 10_000,
    maxTotalBytes: 256 * 1024 * 1024,
    flushMs: 1000,
  },
  apiSessionQueue: { limit: 100_000, flushMs: 25 },
};

/** Environment variables of the messaging limits (createBroker options take precedence). */
export const messagingEnv = {
  topicHistory: {
    limit: 'TOPIC_HISTORY_LIMIT',
    maxBytesPerTopic: 'TOPIC_HISTORY_MAX_BYTES',
    maxTopics: 'TOPIC_HISTORY_MAX_TOPICS',
    maxTotalBytes: 'TOPIC_HISTORY_MAX_TOTAL_BYTES',
  },
  apiSessionQueue: { limit: 'MQ_API_QUEUE_LIMIT' },
} as const;

function envInt(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name}=${raw}: must be an integer of at least ${min}`);
  return n;
}

/** Options, then environment, then defaults. */
export function resolveMessagingOptions(o: MessagingOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedMessagingOptions {
  const d = messagingDefaults;
  const e = messagingEnv;
  const th = o.topicHistory ?? {};
  const q = o.apiSessionQueue ?? {};
  return {
    topicHistory: {
      limit: th.limit ?? envInt(env, e.topicHistory.limit, 0) ?? d.topicHistory.limit,
      maxBytesPerTopic: th.maxBytesPerTopic ?? envInt(env, e.topicHistory.maxBytesPerTopic, 1) ?? d.topicHistory.maxBytesPerTopic,
      maxTopics: th.maxTopics ?? envInt(env, e.topicHistory.maxTopics, 1) ?? d.topicHistory.maxTopics,
      maxTotalBytes: th.maxTotalBytes ?? envInt(env, e.topicHistory.maxTotalBytes, 1) ?? d.topicHistory.maxTotalBytes,
      flushMs: th.flushMs ?? d.topicHistory.flushMs,
    },
    apiSessionQueue: {
      limit: q.limit ?? envInt(env, e.apiSessionQueue.limit, 1) ?? d.apiSessionQueue.limit,
      flushMs: q.flushMs ?? d.apiSessionQueue.flushMs,
    },
  };
}

const isSys = (topic: string) => topic.charCodeAt(0) === 36 && topic.startsWith('$SYS');

/**
 * MQ API messaging: publishing for a session, MQ API session queues and the topic history. It
 * listens to the engine's publish listener (BrokerEngine.onPublish), which fires for every message (from MQTT clients, from MQ API
 * sessions, wills); the listener returns at once unless the history is on or an MQ API session
 * subscribes to something.
 */
export class Messaging {
  readonly history: TopicHistory;
  readonly queues: ApiSessionQueues;
  private started = false;
  private stopListening: () => void = () => {};

  constructor(
    db: Database.Database,
    private readonly registry: SessionRegistry,
    private readonly engine: BrokerEngine,
    private readonly log: Logger,
    readonly options: ResolvedMessagingOptions,
  ) {
    db.exec(messagingSchema);
    this.history = new TopicHistory(db, options.topicHistory, log);
    this.queues = new ApiSessionQueues(db, options.apiSessionQueue, (name, level) => registry.onBacklog(name, level), log);
  }

  start(): void {
    this.history.load();
    this.queues.load();
    this.history.start();
    this.registry.on('subscriptions', this.onSubscriptions);
    this.registry.on('removed', this.onRemoved);
    this.stopListening = this.engine.onPublish(this.onPublish);
    this.started = true;
  }

  /** Hot path: every message the engine routes. */
  private readonly onPublish = (packet: PublishPacket, client: string | null): void => {
    const history = this.history.enabled;
    const queues = this.queues.active;
    if (!history && !queues) return;
    const topic = packet.topic;
    if (isSys(topic)) return;
    const now = Date.now();
    const publisher = client ?? packet.clientId ?? null;
    if (history) this.history.record(topic, packet, publisher, now);
    if (queues) this.queues.route(topic, packet, publisher, now);
  };

  private readonly onSubscriptions = (row: SessionRow): void => {
    if (row.sessionType !== 'mqApi') return;
    this.queues.setSubscriptions(row.id, row.clientName, this.registry.store.subscriptions(row.id));
  };

  private readonly onRemoved = (clientName: string): void => {
    this.queues.remove(clientName);
  };

  /** Publishes in order through the engine (to MQTT subscribers of both versions, and to MQ API sessions). */
  async publish(packets: readonly PublishPacket[], onPublished: (packet: PublishPacket) => void): Promise<void> {
    for (const p of packets) {
      await this.engine.publish(p);
      onPublished(p);
    }
  }

  /** Writes what is buffered and stops listening. */
  close(): void {
    if (this.started) {
      this.stopListening();
      this.registry.off('subscriptions', this.onSubscriptions);
      this.registry.off('removed', this.onRemoved);
      this.started = false;
    }
    try {
      this.history.close();
    } catch (err) {
      this.log.error({ err }, 'writing the topic history at close failed');
    }
    try {
      this.queues.close();
    } catch (err) {
      this.log.error({ err }, 'writing MQ API session queues at close failed');
    }
  }
}
