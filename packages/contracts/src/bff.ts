import { z } from 'zod';
import { connectionStatuses, sessionHealths, sessionTypes, utf8String } from './common.ts';
import { mqttProtocolFilterValues, sortKeys } from './actions/list-mq-sessions.ts';
import { ipFilterSchema } from './ip-filter.ts';
import type { SessionListRow } from './session.ts';
import { MAX_MESSAGES_PER_GET, payloadFormatSchema, publishMessageSchema } from './actions/messages.ts';
import { topicFilterSchema, topicNameSchema } from './topics.ts';
import type { Role } from './roles.ts';

/**
 * The dashboard's own API (`/bff/*`, DESIGN §4): resource-shaped routes the React app calls.
 * Each turns into JSON actions run in-process. Shared by the server (validation) and the
 * dashboard (types, and the same validation in forms).
 */

export const loginBody = z.object({
  username: utf8String(1, 64),
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof loginBody>;

/**
 * `GET /bff/first-start` (unauthenticated, issue 13): true until the first successful sign-in after
 * `admin`'s password was generated into DATA_DIR/initial-admin-password; the login page then says
 * where that password is.
 */
export interface FirstStartResponse {
  firstStart: boolean;
}

export interface MeResponse {
  username: string;
  /** What the dashboard shows and offers (issue 12); the server checks it on every route. */
  role: Role;
  /** Send as the `X-CSRF-Token` header on every state-changing request. */
  csrfToken: string;
}

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(12, 'must be at least 12 characters').max(1024),
});
export type ChangePasswordBody = z.infer<typeof changePasswordBody>;

export const sessionStatusValues = ['normal', 'hidden', 'banned', 'inactive'] as const;
export const listConnectionValues = [...connectionStatuses, 'unknown'] as const;

/** A comma-separated query-string list of enum values ("a,b"); empty means all. */
const csvEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').filter(Boolean) : []))
    .pipe(z.array(z.enum(values)));

const queryBool = z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1');

/** A query-string parameter that may repeat (`?ip=a&ip=b`) or be given once: a list of its values. */
const repeated = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((s) => s !== ''))
    .pipe(z.array(item).max(100));

/** "1,2,3": label ids. */
const csvIds = z
  .string()
  .optional()
  .transform((s) => (s ? s.split(',').filter(Boolean) : []))
  .pipe(z.array(z.coerce.number<string>().int().min(0).max(4294967296)).max(1000));

/**
 * `GET /bff/sessions` query string: every listMqSessions filter, sort and a page. Issue 13's
 * search: `q` (substring of client name, user name, IP address or label name), `username`, `ip`
 * (address or CIDR range) and `labelGroup` (each repeatable), `protocol` and `labelIds` (comma-separated).
 */
export const sessionsQuery = z.object({
  prefix: utf8String(0, 65550).optional().default(''),
  connection: csvEnum(listConnectionValues),
  status: csvEnum(sessionStatusValues),
  type: csvEnum(sessionTypes),
  health: csvEnum(sessionHealths),
  /** Include hidden sessions as well as the chosen statuses. */
  showHidden: queryBool,
  /** false: only sessions with a health threshold set. */
  unsetHealthMeasures: z.enum(['true', 'false']).optional().default('true').transform((v) => v === 'true'),
  labelId: z.coerce.number().int().min(0).max(4294967296).optional(),
  q: utf8String(0, 65550).optional().default(''),
  username: repeated(utf8String(1, 65535)),
  ip: repeated(ipFilterSchema),
  protocol: csvEnum(mqttProtocolFilterValues),
  labelIds: csvIds,
  labelGroup: repeated(utf8String(0, 64)),
  sort: z.enum(sortKeys).optional().default('clientName'),
  dir: z.enum(['asc', 'desc']).optional().default('asc'),
  page: z.coerce.number().int().min(0).max(10_000_000).optional().default(0),
  pageSize: z.coerce.number().int().min(1).max(1000).optional().default(50),
});
export type SessionsQuery = z.infer<typeof sessionsQuery>;
export type SessionsQueryInput = z.input<typeof sessionsQuery>;

export interface SessionsPage {
  rows: SessionListRow[];
  total: number;
  page: number;
  pageSize: number;
}

export const bulkActions = ['hide', 'unhide', 'ban', 'unban', 'markInactive', 'kick'] as const;
export type BulkAction = (typeof bulkActions)[number];

/** `POST /bff/sessions/bulk`: either named sessions or every session matching a filter. */
export const bulkBody = z
  .object({
    action: z.enum(bulkActions),
    clientNames: z.array(utf8String(0, 65550)).min(1).max(10_000).optional(),
    /** The list filter (as in GET /bff/sessions, without paging) for "select all N matching". */
    filter: z.record(z.string(), z.string()).optional(),
  })
  .refine((b) => (b.clientNames === undefined) !== (b.filter === undefined), {
    message: 'give either clientNames or filter',
    path: ['clientNames'],
  });
export type BulkBody = z.infer<typeof bulkBody>;

export interface BulkResult {
  action: BulkAction;
  succeeded: string[];
  failed: Array<{ clientName: string; error: string }>;
  /**
   * Issue 13: a status change (ban, hide, mark inactive, …) can be undone until `until`
   * (`POST /bff/audit/undo` with these audit entries' ids); absent for kick and when nothing changed.
   */
  undo?: { auditIds: number[]; until: string };
}

/** `POST /bff/sessions/:clientName/subscriptions`. */
export const subscribeBody = z.object({
  topicFilter: topicFilterSchema,
  qos: z.int().min(0).max(2).default(0),
  noLocal: z.boolean().optional(),
  retainAsPublished: z.boolean().optional(),
  retainHandling: z.int().min(0).max(2).optional(),
});
export type SubscribeBody = z.infer<typeof subscribeBody>;

/** `DELETE /bff/sessions/:clientName?permanent=true`. */
export const deleteQuery = z.object({ permanent: queryBool });

/** `GET /bff/sessions/export?format=csv|json&…filters` (all matching rows, no paging). */
export const exportFormat = z.enum(['csv', 'json']);

/**
 * `POST /bff/sessions/:clientName/messages`: one message published as that session
 * (publishMessagesToMq), e.g. a test message from the session's Messages tab.
 */
export const publishBody = publishMessageSchema.superRefine((m, ctx) => {
  if (m.topic === undefined) ctx.addIssue({ code: 'custom', path: ['topic'], params: { errorCode: 'missingProperty' }, message: 'is required (a topic name)' });
});
export type PublishBody = z.input<typeof publishBody> & { topic: string };

/**
 * `GET /bff/topics/messages?topic=&maxMessages=&binaryFormat=`: the newest messages kept for a topic
 * (getMessagesFromMqTopic with startFrom "tail"). A warning, e.g. that the topic history is off,
 * comes in the `X-Mqdash-Warning` header.
 */
export const topicMessagesQuery = z.object({
  topic: topicNameSchema,
  maxMessages: z.coerce.number().int().min(1).max(MAX_MESSAGES_PER_GET).optional().default(20),
  binaryFormat: payloadFormatSchema.optional().default('utf8'),
});
export type TopicMessagesQuery = z.infer<typeof topicMessagesQuery>;

export interface AuditEvent {
  id: number;
  ts: string;
  actor: string;
  action: string;
  target: string | null;
  errorCode: number;
  /** The role the actor acted with (issue 12); absent for entries from before roles and for failed sign-ins. */
  role?: Role;
  details: Record<string, unknown>;
}

/** Errors of the BFF: `{ error, message, property? }` with an HTTP status. */
export interface BffError {
  error: string;
  message: string;
  property?: string;
  errorCode?: number;
}
