import { z } from 'zod';
import { topicFilterProblem } from '../topics.ts';
import { mqttUsernameSchema } from './mqtt-users.ts';

/**
 * Topic permissions (issue 12, mqdash extension): ordered rules that allow or deny publish,
 * subscribe or both on a topic filter, for one MQTT account, anonymous clients or everyone. `%u`
 * in a filter stands for the client's user name and `%c` for its client id. The first rule that
 * applies decides; when none does, the default policy (allow unless changed) does.
 */
export const permissionSubjects = ['account', 'anonymous', 'everyone'] as const;
export type PermissionSubject = (typeof permissionSubjects)[number];
export const permissionActions = ['publish', 'subscribe', 'all'] as const;
export type PermissionAction = (typeof permissionActions)[number];
export const permissionDecisions = ['allow', 'deny'] as const;
export type PermissionDecision = (typeof permissionDecisions)[number];

export const MAX_TOPIC_PERMISSIONS = 10_000;

/** A rule's topic filter: an MQTT topic filter once `%u` and `%c` are replaced. */
export const permissionTopicFilter = z.string().superRefine((s, ctx) => {
  if (s.length > 65535) return ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: 'must be at most 65535 characters' });
  const problem = topicFilterProblem(s.replaceAll('%u', 'u').replaceAll('%c', 'c'));
  if (problem) ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: `must be a valid topic filter: ${problem}` });
});

const subjectRule = <T extends { subject: PermissionSubject; username?: string | undefined }>(p: T, ctx: z.RefinementCtx) => {
  if (p.subject === 'account' && p.username === undefined)
    ctx.addIssue({ code: 'custom', path: ['username'], params: { errorCode: 'missingProperty' }, message: 'is required when subject is "account"' });
  if (p.subject !== 'account' && p.username !== undefined)
    ctx.addIssue({ code: 'custom', path: ['username'], params: { errorCode: 'mutuallyExclusive' }, message: `applies only when subject is "account", not "${p.subject}"` });
};

export const createTopicPermissionParams = z.object({
  subject: z.enum(permissionSubjects),
  /** The MQTT account, when subject is "account". */
  username: mqttUsernameSchema.optional(),
  permission: z.enum(permissionDecisions),
  action: z.enum(permissionActions),
  topicFilter: permissionTopicFilter,
  /** 1-based place in the order; omitted: last. */
  position: z.int().min(1).max(MAX_TOPIC_PERMISSIONS).optional(),
}).superRefine(subjectRule);
export type CreateTopicPermissionParams = z.infer<typeof createTopicPermissionParams>;
export type CreateTopicPermissionInput = z.input<typeof createTopicPermissionParams>;

export const listTopicPermissionsParams = z.object({
  /** Only the rules of this account (subject "account"). */
  username: mqttUsernameSchema.optional(),
});

export const deleteTopicPermissionParams = z.object({ permissionId: z.int().min(1).max(2 ** 53 - 1) });

export const alterTopicPermissionSettingsParams = z.object({
  /** What applies when no rule does. */
  defaultPermission: z.enum(permissionDecisions),
});

export interface TopicPermission {
  permissionId: number;
  /** 1-based place in the evaluation order. */
  position: number;
  subject: PermissionSubject;
  username?: string;
  permission: PermissionDecision;
  action: PermissionAction;
  topicFilter: string;
  createdBy: string | null;
  createdDateTime: string;
}

export interface ListTopicPermissionsResult {
  data: TopicPermission[];
  defaultPermission: PermissionDecision;
}

export interface DeleteTopicPermissionResult {
  permissionId: number;
  deleted: true;
}

export interface TopicPermissionSettings {
  defaultPermission: PermissionDecision;
}

/** What a connection was refused, per session, since the broker started (describeMqSessions). */
export interface AccessDenials {
  publish: number;
  subscribe: number;
  connect: number;
  lastDeniedDateTime?: string;
  lastDenial?: string;
}
