import type { Role } from '@mqdash/contracts';

/**
 * The role each JSON action needs (issue 12), in one table. The runner checks it for every action
 * but createSession, before the params are read; an action missing here needs `administrator`,
 * so an action added later is closed until someone decides otherwise.
 */
export const actionRoles: Readonly<Record<string, Role>> = {
  // Every signed-in account: its own token and password, and reading everything.
  deleteSession: 'viewer',
  pingSession: 'viewer',
  changePassword: 'viewer',
  listMqSessions: 'viewer',
  describeMqSessions: 'viewer',
  getMessagesFromMqTopic: 'viewer',
  listLabels: 'viewer',
  listLabelGroups: 'viewer',
  listAuditLog: 'viewer',
  createFeedToken: 'viewer',
  getOverview: 'viewer',
  getSessionHistory: 'viewer',
  listApiKeys: 'viewer',
  listMqttUsers: 'viewer',
  describeMqttAuthSettings: 'viewer',
  listNodes: 'viewer',
  listAccounts: 'viewer',
  describeRetentionPolicy: 'viewer',
  previewRetention: 'viewer',
  listRetainedMessages: 'viewer',
  describeRetainedMessages: 'viewer',
  listSessionEvents: 'viewer',
  listBans: 'viewer',
  // Issue 12: who a ban would hit changes nothing (the Bans form asks it as the operator types).
  previewBan: 'viewer',
  listTopicPermissions: 'viewer',
  // Issue 13: every console shows the alert banner.
  listAlertRules: 'viewer',

  // Acting on sessions. Consuming an MQ API session's messages changes its queue.
  createMqApiSession: 'operator',
  alterMqSession: 'operator',
  deleteMqSession: 'operator',
  disconnectMqSession: 'operator',
  subscribeToMq: 'operator',
  publishMessagesToMq: 'operator',
  getMessagesFromMqApiSession: 'operator',
  createLabel: 'operator',
  alterLabel: 'operator',
  deleteLabel: 'operator',
  // Retained messages are what subscribers get next: removing one acts on traffic, like publishing.
  deleteRetainedMessages: 'operator',
  // Issue 13: setting a session change back is a session change.
  undoAuditEntry: 'operator',
  // Banning is acting on sessions (issue 12: the operator bans and kicks).
  createBan: 'operator',
  deleteBan: 'operator',

  // Accounts, API keys, MQTT client accounts and settings.
  createAccount: 'administrator',
  alterAccount: 'administrator',
  dropAccount: 'administrator',
  createApiKey: 'administrator',
  alterApiKey: 'administrator',
  deleteApiKey: 'administrator',
  createMqttUser: 'administrator',
  alterMqttUser: 'administrator',
  deleteMqttUser: 'administrator',
  alterMqttAuthSettings: 'administrator',
  // Operations (issue 14): a copy of everything, and what is kept how long.
  createBackup: 'administrator',
  alterRetentionPolicy: 'administrator',
  // Topic permissions are settings.
  createTopicPermission: 'administrator',
  deleteTopicPermission: 'administrator',
  alterTopicPermissionSettings: 'administrator',
  // Alert rules are settings, and their webhooks send data out of the broker.
  createAlertRule: 'administrator',
  alterAlertRule: 'administrator',
  deleteAlertRule: 'administrator',
};

/** The role an action needs; deny by default: unknown actions need administrator. */
export const requiredRole = (action: string): Role => (Object.hasOwn(actionRoles, action) ? actionRoles[action]! : 'administrator');
