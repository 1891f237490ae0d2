import type { SavedViewStore } from '../store/saved-view-store.ts';
import type { FirstStart } from '../auth/first-start.ts';
import type { z } from 'zod';
import type { Logger } from 'pino';
import type { ActionWarning, AuditChange, ErrorCodeName, Role } from '@mqdash/contracts';
import { ErrorCode } from '@mqdash/contracts';
import type { ApiKeys } from '../auth/api-keys.ts';
import type { MqttUsers } from '../auth/mqtt-users.ts';
import type { AuthService } from '../auth/auth.ts';
import type { SignInLimiter } from '../auth/sign-in-limiter.ts';
import type { AuditLog } from '../audit.ts';
import type { Backups } from '../backup/backups.ts';
import type { BrokerEngine } from '../engine/broker-engine.ts';
import type { AdminFeed } from '../feed/admin-feed.ts';
import type { FeedTokens } from '../feed/feed-tokens.ts';
import type { Readiness } from '../health/readiness.ts';
import type { Messaging } from '../messaging/messaging.ts';
import type { SessionRegistry } from '../registry/registry.ts';
import type { Retention } from '../retention/retention.ts';
import type { EmqxClientQueries } from '../store/emqx-query.ts';
import type { LabelStore } from '../store/label-store.ts';
import type { RetainedMessages } from '../persistence/retained-messages.ts';
import type { Store } from '../store/types.ts';
import type { BrokerMetrics } from '../metrics/metrics.ts';
import type { AccessControl } from '../access/access-control.ts';
import type { AlertRules } from '../alerts/alert-rules.ts';
import type { ClusterNode } from '../cluster/cluster-node.ts';

/** What every action handler can reach. */
export interface BrokerCore {
  store: Store;
  registry: SessionRegistry;
  engine: BrokerEngine;
  auth: AuthService;
  audit: AuditLog;
  feed: AdminFeed;
  feedTokens: FeedTokens;
  apiKeys: ApiKeys;
  /** MQTT client accounts and the allowAnonymous setting. */
  mqttUsers: MqttUsers;
  /** The indexed queries of the EMQX Clients API (read-only). */
  emqxClients: EmqxClientQueries;
  /** Labels with FairCom's properties (createLabel, listLabels, alterLabel, deleteLabel). */
  labels: LabelStore;
  /** MQ API messaging: publishing for a session, MQ API session queues, topic history. */
  messaging: Messaging;
  /** The ban list and topic permissions, and the checks the engine calls (issue 12). */
  access: AccessControl;
  /** Failed sign-ins at every door that checks a secret (issue 12). */
  signInLimiter: SignInLimiter;
  /** Backups of the database into DATA_DIR/backups (createBackup). */
  backups: Backups;
  /** The retention policy and its hourly runs. */
  retention: Retention;
  /** The retained messages (issue 14); null when the MQTT state is kept by a persistence without the seam (durable: false). */
  retained: RetainedMessages | null;
  /** The checks behind `GET /readyz` (the store's write probe; the server adds its listeners). */
  readiness: Readiness;
  /** Prometheus metrics (issue 14). */
  metrics: BrokerMetrics;
  log: Logger;
  /** Issue 13: whether nobody has signed in since `admin`'s password was generated. */
  firstStart: FirstStart;
  /** The file this start generated `admin`'s password into; null when it did not. */
  initialPasswordFile: string | null;
  /** Issue 13: saved views of the sessions screen. */
  savedViews: SavedViewStore;
  /** Issue 13: alert rules, evaluated on a timer. */
  alerts: AlertRules;
  /** This node's name (NODE_NAME; issue 11). */
  nodeName: string;
  /** PostgreSQL/Redis of a node with DATABASE_URL/REDIS_URL (issue 11); null for the embedded default. */
  cluster: ClusterNode | null;
  /** Epoch ms: when this broker started (listNodes without a cluster). */
  startedAt: number;
}

/** Who is calling and through which door (recorded in the audit log). */
export interface CallerContext {
  source: 'api' | 'bff' | 'emqx' | 'internal';
  remoteAddress?: string;
  /** The caller's TCP port (recorded as an MQ API session's port while its client uses it). */
  remotePort?: number;
  /**
   * A trusted in-process caller that authenticated its client itself runs the action as this
   * principal, without an authToken: the EMQX router after checking an API key passes
   * `apikey:<name>`, recorded as the audit actor. Honoured only with source 'emqx' (see
   * runAction). A CallerContext is built by server code, never from request data, so a JSON
   * request cannot set it.
   */
  principal?: string;
  /** The principal's role (the API key's), with `principal` (issue 12). */
  principalRole?: Role;
  /** Told the id of the audit entry the action wrote (the BFF offers Undo with it, issue 13). */
  onAudited?: (auditId: number) => void;
}

export interface ActionContext extends CallerContext {
  core: BrokerCore;
  authToken?: string;
  /** Set for authenticated actions, with the role the action runs under (issue 12). */
  user?: { username: string; tokenHash: string; role: Role };
  /**
   * `debugInfo.warnings`: use `warn()`. A plain string is accepted too and answered with code
   * 14017 (notice), so older call sites keep working.
   */
  warnings: Array<string | ActionWarning>;
  /** Extra facts for `debugInfo` (returned when debug is "max"). */
  debugInfo: Record<string, unknown>;
  /** A new authToken to return in the envelope (createSession). */
  issuedToken?: string;
  /** Issue 13: what the action changed, before → after, recorded as the audit entry's `details.changes` (never a secret's value). */
  auditChanges?: AuditChange[];
  /** Extra facts for the audit entry's details (e.g. `undoOf`). */
  auditDetails?: Record<string, unknown>;
  /** Overrides the target the action's `audit` function names (known only once the action ran). */
  auditTarget?: string;
}

export interface ActionDef<S extends z.ZodType = z.ZodType, R = unknown> {
  name: string;
  params: S;
  /** Params whose null means something (otherwise null is treated as omitted). */
  keepNulls?: readonly string[];
  /** false only for createSession. */
  requiresAuth?: boolean;
  /** State-changing actions are written to the audit log; the target names the session. undefined: this request changed nothing (not recorded). */
  audit?: (params: z.infer<S> | undefined, raw: Record<string, unknown>) => string | null | undefined;
  run(params: z.infer<S>, ctx: ActionContext): Promise<R> | R;
}

export const defineAction = <S extends z.ZodType, R>(def: ActionDef<S, R>): ActionDef<S, R> => def;

/** Adds a `debugInfo.warnings` entry `{code, message}` (FairCom's shape) with a code from the error table. */
export function warn(ctx: Pick<ActionContext, 'warnings'>, code: ErrorCodeName, message: string): void {
  ctx.warnings.push({ code: ErrorCode[code], message });
}

/** A failure with a code from the error table; the runner turns it into the response. */
export class ActionError extends Error {
  readonly errorCode: number;
  constructor(readonly code: ErrorCodeName, message: string, readonly errorData?: Record<string, unknown>) {
    super(message);
    this.errorCode = ErrorCode[code];
  }
}
