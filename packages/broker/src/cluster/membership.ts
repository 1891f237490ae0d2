/**
 * Node heartbeats in Redis (DESIGN §7, issue 11 "Node failure"): each node keeps a key
 * `<prefix>node:<name>` alive with a TTL, refreshed every heartbeat, and is listed in the set
 * `<prefix>nodes`. Redis expires the key of a node that stopped (kill -9, lost network): its clock
 * alone decides, so the nodes' clocks need not agree. Every node checks the list each second and
 * reports the changes it sees: with the defaults (heartbeat 2 s, TTL 6 s) a dead node is seen down
 * within 7 s, under the issue's 10 s.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';

export interface MembershipOptions {
  nodeName: string;
  /** Key prefix shared by the nodes of one cluster. */
  prefix?: string;
  heartbeatMs?: number;
  /** A node whose last heartbeat is older than this is down (the key's TTL). */
  downAfterMs?: number;
  /** How often the node list is read. */
  checkMs?: number;
  /** A node came up or went down, as this node saw it. */
  onChange?(event: NodeEvent): void;
  onError?(error: unknown, where: string): void;
  /** What this node tells the others at each heartbeat: its open MQTT connections. */
  connections?(): number;
}

export interface NodeStatus {
  name: string;
  up: boolean;
  /** Epoch ms: when the node started (up) or when this node saw it go down. */
  since: number;
  /** Open MQTT connections at the node's last heartbeat (0 once it is down; absent when it does not say). */
  connections?: number;
}

export interface NodeEvent {
  type: 'up' | 'down';
  node: NodeStatus;
}

/** The value of a node's key: who it is and since when it runs. */
const announcementSchema = z.object({ name: z.string().min(1), startedAt: z.number().int().nonnegative(), connections: z.number().int().nonnegative().optional() });

export class Membership {
  private readonly prefix: string;
  private readonly heartbeatMs: number;
  private readonly downAfterMs: number;
  private readonly checkMs: number;
  private readonly known = new Map<string, NodeStatus>();
  private readonly startedAt = Date.now();
  private heartbeatTimer?: NodeJS.Timeout;
  private checkTimer?: NodeJS.Timeout;
  private checking = false;

  private constructor(
    private readonly redis: Redis,
    private readonly options: MembershipOptions,
  ) {
    this.prefix = options.prefix ?? 'mqdash:';
    this.heartbeatMs = options.heartbeatMs ?? 2000;
    this.downAfterMs = options.downAfterMs ?? 6000;
    this.checkMs = options.checkMs ?? 1000;
    if (this.downAfterMs <= this.heartbeatMs) throw new Error(`downAfterMs (${this.downAfterMs}) must be longer than heartbeatMs (${this.heartbeatMs})`);
  }

  /** Announces this node and starts watching the others; resolves once both have happened once. */
  static async join(redis: string | RedisOptions, options: MembershipOptions): Promise<Membership> {
    const connection = typeof redis === 'string' ? new Redis(redis, { lazyConnect: true }) : new Redis({ ...redis, lazyConnect: true });
    connection.on('error', (error) => options.onError?.(error, 'redis membership'));
    const membership = new Membership(connection, options);
    try {
      await connection.connect();
      await membership.heartbeat();
      await membership.check();
    } catch (error) {
      connection.disconnect();
      throw error;
    }
    membership.heartbeatTimer = setInterval(() => void membership.heartbeat().catch((error: unknown) => options.onError?.(error, 'heartbeat')), membership.heartbeatMs);
    membership.checkTimer = setInterval(() => void membership.check().catch((error: unknown) => options.onError?.(error, 'membership check')), membership.checkMs);
    return membership;
  }

  /** Every node seen since this one joined, itself included, by name. */
  nodes(): NodeStatus[] {
    return [...this.known.values()].map((n) => ({ ...n })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Whether the Redis connection is open now (readiness: a node cut off from Redis is not ready). */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  /** Stops the heartbeat and removes this node's key: the others see it down at their next check. */
  async leave(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    clearInterval(this.checkTimer);
    try {
      await this.redis.del(this.key(this.options.nodeName));
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private key(name: string): string {
    return `${this.prefix}node:${name}`;
  }

  private async heartbeat(): Promise<void> {
    const connections = this.options.connections?.();
    const value = JSON.stringify({ name: this.options.nodeName, startedAt: this.startedAt, ...(connections !== undefined && { connections }) });
    await this.redis.multi().set(this.key(this.options.nodeName), value, 'PX', this.downAfterMs).sadd(`${this.prefix}nodes`, this.options.nodeName).exec();
  }

  /** Reads the node list and every node's key; reports what changed since the last check. */
  private async check(): Promise<void> {
    if (this.checking) return; // a slow Redis: the next check starts after this one
    this.checking = true;
    try {
      const names = await this.redis.smembers(`${this.prefix}nodes`);
      const values = names.length > 0 ? await this.redis.mget(names.map((name) => this.key(name))) : [];
      const now = Date.now();
      names.forEach((name, index) => this.update(name, values[index] ?? null, now));
    } finally {
      this.checking = false;
    }
  }

  private update(name: string, value: string | null, now: number): void {
    const before = this.known.get(name);
    let status: NodeStatus;
    if (value === null) {
      if (!before || !before.up) return; // down before this node knew it: nothing to report
      status = { name, up: false, since: now, ...(before.connections !== undefined && { connections: 0 }) };
    } else {
      const parsed = announcementSchema.safeParse(safeJson(value));
      if (!parsed.success) {
        this.options.onError?.(new Error(`the key of node ${name} is not a node announcement: ${parsed.error.message}`), 'membership check');
        return;
      }
      const { startedAt, connections } = parsed.data;
      if (before?.up && before.since === startedAt) {
        if (connections !== undefined) before.connections = connections; // a new figure, not a change of state
        return;
      }
      status = { name, up: true, since: startedAt, ...(connections !== undefined && { connections }) };
    }
    this.known.set(name, status);
    this.options.onChange?.({ type: status.up ? 'up' : 'down', node: status });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
