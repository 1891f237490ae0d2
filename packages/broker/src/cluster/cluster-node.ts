/**
 * A clustered node's connections (issue 11, DESIGN §7), opened by createBroker when `databaseUrl`
 * (DATABASE_URL) is given: the MQTT protocol state in PostgreSQL (PostgresSessionStore) and, with
 * `redisUrl` (REDIS_URL), the bus between nodes (RedisBus) and the node heartbeats (Membership)
 * under `nodeName` (NODE_NAME). Without them the broker is the embedded single-node default.
 *
 * Not shared yet: the registry, accounts, audit and the other stores stay in each node's SQLite.
 */
import os from 'node:os';
import pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import { InProcessBus, type Bus } from '../engine/mqdash/bus.ts';
import { PostgresSessionStore } from '../engine/mqdash/pg-store.ts';
import { RedisBus } from '../engine/mqdash/redis-bus.ts';
import type { Readiness } from '../health/readiness.ts';
import { Membership, type NodeStatus } from './membership.ts';

export interface ClusterSettings {
  /** `postgres://…`: the MQTT protocol state in PostgreSQL. */
  databaseUrl?: string;
  /** `redis://…`: join a cluster (bus and heartbeats); needs `databaseUrl`. */
  redisUrl?: string;
  /** This node's name; default the machine's host name and the MQTT port. */
  nodeName?: string;
}

const urlWithScheme = (schemes: string[]) => z.string().trim().min(1).refine((v) => {
  try {
    return schemes.includes(new URL(v).protocol) && new URL(v).host !== '';
  } catch {
    return false;
  }
}, { message: `must be a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')} and naming a host` });

/** The settings' rules, shared by the server's config and createBroker. Values are never echoed (they hold passwords). */
export const clusterSettingsShape = {
  databaseUrl: urlWithScheme(['postgres:', 'postgresql:']).optional(),
  redisUrl: urlWithScheme(['redis:', 'rediss:']).optional(),
  nodeName: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
};

const clusterSettingsSchema = z.object(clusterSettingsShape);

/** The environment variable behind each setting, for error messages. */
export const clusterSettingNames: Record<keyof ClusterSettings, string> = { databaseUrl: 'DATABASE_URL', redisUrl: 'REDIS_URL', nodeName: 'NODE_NAME' };

/** Why these settings cannot run together, or null. */
export function clusterSettingsConflict(s: ClusterSettings): { setting: keyof ClusterSettings; message: string } | null {
  if (s.redisUrl !== undefined && s.databaseUrl === undefined)
    return { setting: 'redisUrl', message: 'needs DATABASE_URL as well: the nodes of a cluster keep their MQTT state in PostgreSQL' };
  return null;
}

/** Checks the settings (an error names the variable and the problem); gives them back trimmed. */
export function parseClusterSettings(s: ClusterSettings): ClusterSettings {
  const parsed = clusterSettingsSchema.safeParse(s);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]) as keyof ClusterSettings;
    throw new Error(`${clusterSettingNames[key] ?? key}: ${issue.message}`);
  }
  const conflict = clusterSettingsConflict(parsed.data);
  if (conflict) throw new Error(`${clusterSettingNames[conflict.setting]}: ${conflict.message}`);
  return parsed.data;
}

/** NODE_NAME's default: the machine's host name and the MQTT port. */
export const defaultNodeName = (mqttPort: number | string = 1883): string => `${os.hostname()}:${mqttPort}`;

export interface ClusterNodeOptions {
  log: Logger;
  /** The node's open MQTT connections, told to the others at each heartbeat. */
  connections?(): number;
}

export class ClusterNode {
  private membershipRef?: Membership;

  private constructor(
    readonly nodeName: string,
    readonly settings: ClusterSettings,
    private readonly pool: pg.Pool,
    /** The engine's persistence; the engine closes it. */
    readonly store: PostgresSessionStore,
    /** The engine's bus (RedisBus with REDIS_URL, else in-process); the engine closes it. */
    readonly bus: Bus,
  ) {}

  /** Whether this node is part of a cluster (REDIS_URL), not only on PostgreSQL. */
  get clustered(): boolean {
    return this.bus instanceof RedisBus;
  }

  get membership(): Membership | undefined {
    return this.membershipRef;
  }

  /**
   * Connects to PostgreSQL (schema created or migrated by the store) and, with REDIS_URL, to Redis;
   * rejects, with everything opened so far closed, when a service cannot be reached.
   */
  static async open(settings: ClusterSettings & { databaseUrl: string; nodeName: string }, o: ClusterNodeOptions): Promise<ClusterNode> {
    const onError = (err: unknown, where: string) => o.log.error({ err, where, node: settings.nodeName }, `cluster: ${where} failed`);
    const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 4, connectionTimeoutMillis: 5000 });
    pool.on('error', (err) => onError(err, 'postgres pool'));
    let store: PostgresSessionStore | undefined;
    let bus: Bus | undefined;
    try {
      store = await PostgresSessionStore.open(pool, { onError });
      bus = settings.redisUrl ? await RedisBus.open(settings.redisUrl, { nodeName: settings.nodeName, onError }) : new InProcessBus();
      return new ClusterNode(settings.nodeName, settings, pool, store, bus);
    } catch (err) {
      await bus?.close().catch(() => undefined);
      await store?.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
      throw new Error(`could not open ${store ? 'REDIS_URL' : 'DATABASE_URL'}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
  }

  /** With REDIS_URL: announces this node and watches the others (listNodes). Call once the engine runs. */
  async join(o: ClusterNodeOptions): Promise<void> {
    if (!this.settings.redisUrl || this.membershipRef) return;
    this.membershipRef = await Membership.join(this.settings.redisUrl, {
      nodeName: this.nodeName,
      ...(o.connections && { connections: o.connections }),
      onChange: (e) => o.log.info({ event: `node ${e.type}`, node: e.node.name, since: new Date(e.node.since).toISOString() }, `cluster node ${e.node.name} is ${e.type}`),
      onError: (err, where) => o.log.error({ err, where }, `cluster: ${where} failed`),
    });
  }

  /** Every node this one knows, itself included; without REDIS_URL only itself. */
  nodes(self: { since: number; connections: number }): NodeStatus[] {
    if (this.membershipRef) return this.membershipRef.nodes();
    return [{ name: this.nodeName, up: true, since: self.since, connections: self.connections }];
  }

  /** `/readyz`: PostgreSQL answers a query; with REDIS_URL, the bus and heartbeat connections are open. */
  addReadiness(readiness: Readiness): void {
    readiness.add('postgres', async () => {
      await this.pool.query('SELECT 1');
    });
    if (!this.settings.redisUrl) return;
    readiness.add('redis', () => {
      if (!(this.bus as RedisBus).connected || this.membershipRef?.connected === false) throw new Error('the Redis connection is down');
    });
  }

  /** After the engine closed (store and bus): leaves the cluster and ends the PostgreSQL pool. */
  async close(): Promise<void> {
    await this.membershipRef?.leave();
    await this.pool.end().catch(() => undefined);
  }
}
