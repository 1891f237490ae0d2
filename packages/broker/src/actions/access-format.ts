import type { BanInfo, TopicPermission } from '@mqdash/contracts';
import type { BanRow, TopicPermissionRow } from '../store/access-store.ts';
import type { ActionContext } from './types.ts';

/** Who made a ban or a rule: the administrator account, else the API key (`apikey:<name>`). */
export const creator = (ctx: ActionContext): string | null => ctx.user?.username ?? ctx.principal ?? null;

export const banInfo = (r: BanRow): BanInfo => ({
  banType: r.banType, value: r.value, reason: r.reason, createdBy: r.createdBy,
  createdDateTime: new Date(r.createdAt).toISOString(),
  ...(r.expiresAt !== null && { expiresDateTime: new Date(r.expiresAt).toISOString() }),
});

export const topicPermissionInfo = (r: TopicPermissionRow): TopicPermission => ({
  permissionId: r.id, position: r.position, subject: r.subject, ...(r.username !== null && { username: r.username }),
  permission: r.permission, action: r.action, topicFilter: r.topicFilter, createdBy: r.createdBy,
  createdDateTime: new Date(r.createdAt).toISOString(),
});

/** Audit targets: prefixed, so they never collide with a session's clientName. */
export const banTarget = (_p: unknown, raw: Record<string, unknown>) =>
  (typeof raw.banType === 'string' && typeof raw.value === 'string' ? `ban:${raw.banType}:${raw.value.slice(0, 200)}` : null);
export const TOPIC_PERMISSIONS_TARGET = 'topic-permissions';
