import type { ActionDef } from './types.ts';
import { alterAccount } from './alter-account.ts';
import { createAccount } from './create-account.ts';
import { dropAccount } from './drop-account.ts';
import { listAccounts } from './list-accounts.ts';
import { alterApiKey } from './alter-api-key.ts';
import { alterMqSession } from './alter-mq-session.ts';
import { alterMqttAuthSettings } from './alter-mqtt-auth-settings.ts';
import { alterMqttUser } from './alter-mqtt-user.ts';
import { alterRetentionPolicy } from './alter-retention-policy.ts';
import { changePassword } from './change-password.ts';
import { createApiKey } from './create-api-key.ts';
import { createBackup } from './create-backup.ts';
import { createMqApiSession } from './create-mq-api-session.ts';
import { createMqttUser } from './create-mqtt-user.ts';
import { createSession } from './create-session.ts';
import { deleteApiKey } from './delete-api-key.ts';
import { deleteMqSession } from './delete-mq-session.ts';
import { deleteMqttUser } from './delete-mqtt-user.ts';
import { deleteSession } from './delete-session.ts';
import { describeMqSessions } from './describe-mq-sessions.ts';
import { describeMqttAuthSettings } from './describe-mqtt-auth-settings.ts';
import { deleteRetainedMessages } from './delete-retained-messages.ts';
import { describeRetainedMessages } from './describe-retained-messages.ts';
import { listRetainedMessages } from './list-retained-messages.ts';
import { describeRetentionPolicy } from './describe-retention-policy.ts';
import { createFeedToken, getOverview, getSessionHistory } from './feed.ts';
import { disconnectMqSession } from './disconnect-mq-session.ts';
import { getMessagesFromMqApiSession } from './get-messages-from-mq-api-session.ts';
import { getMessagesFromMqTopic } from './get-messages-from-mq-topic.ts';
import { alterLabel } from './alter-label.ts';
import { createLabel } from './create-label.ts';
import { deleteLabel } from './delete-label.ts';
import { listLabelGroups } from './list-label-groups.ts';
import { listLabels } from './list-labels.ts';
import { listApiKeys } from './list-api-keys.ts';
import { listAuditLog } from './list-audit-log.ts';
import { listMqSessions } from './list-mq-sessions.ts';
import { listMqttUsers } from './list-mqtt-users.ts';
import { pingSession } from './ping-session.ts';
import { previewRetention } from './preview-retention.ts';
import { publishMessagesToMq } from './publish-messages-to-mq.ts';
import { subscribeToMq } from './subscribe-to-mq.ts';
import { listSessionEvents } from './list-session-events.ts';
import { undoAuditEntry } from './undo-audit-entry.ts';
import { createBan } from './create-ban.ts';
import { listBans } from './list-bans.ts';
import { deleteBan } from './delete-ban.ts';
import { previewBan } from './preview-ban.ts';
import { createTopicPermission } from './create-topic-permission.ts';
import { listTopicPermissions } from './list-topic-permissions.ts';
import { deleteTopicPermission } from './delete-topic-permission.ts';
import { alterTopicPermissionSettings } from './alter-topic-permission-settings.ts';
import { createAlertRule } from './create-alert-rule.ts';
import { listAlertRules } from './list-alert-rules.ts';
import { alterAlertRule } from './alter-alert-rule.ts';
import { deleteAlertRule } from './delete-alert-rule.ts';
import { listNodes } from './list-nodes.ts';

/** Every JSON action by name; the runner answers any other name with errorCode unknownAction. */
export const actions: ReadonlyMap<string, ActionDef> = new Map(
  ([
    createSession, deleteSession, pingSession, changePassword, listAuditLog,
    createMqApiSession, listMqSessions, describeMqSessions, alterMqSession, deleteMqSession, disconnectMqSession,
    subscribeToMq, publishMessagesToMq, getMessagesFromMqApiSession, getMessagesFromMqTopic, createLabel, listLabels, listLabelGroups, alterLabel, deleteLabel,
    createFeedToken, getOverview, getSessionHistory,
    createApiKey, listApiKeys, alterApiKey, deleteApiKey,
    createMqttUser, listMqttUsers, alterMqttUser, deleteMqttUser, describeMqttAuthSettings, alterMqttAuthSettings,
    createAccount, listAccounts, alterAccount, dropAccount,
    createBackup, describeRetentionPolicy, alterRetentionPolicy, previewRetention,
    listRetainedMessages, describeRetainedMessages, deleteRetainedMessages,
    undoAuditEntry, listSessionEvents,
    createBan, listBans, deleteBan, previewBan, createTopicPermission, listTopicPermissions, deleteTopicPermission, alterTopicPermissionSettings,
    createAlertRule, listAlertRules, alterAlertRule, deleteAlertRule,
    listNodes,
  ] as ActionDef[]).map((a) => [a.name, a]),
);

export { runAction } from './run.ts';
export { actionRoles, requiredRole } from './roles.ts';
export { ActionError } from './types.ts';
export type { ActionContext, BrokerCore, CallerContext } from './types.ts';
