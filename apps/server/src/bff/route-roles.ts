import type { RouteRoles } from '../http/role-gate.ts';

/**
 * The role each `/bff` route needs (issue 12), checked before the route runs; the JSON actions a
 * route runs check their own roles too (actions/roles.ts). A route missing here needs
 * `administrator`. `/login` and `/first-start` are open, and `/me`, `/logout` and `/password` serve every signed-in
 * account (auth-router.ts, before this table).
 */
export const bffRouteRoles: RouteRoles = [
  ['GET', '/sessions', 'viewer'],
  ['GET', '/sessions/export', 'viewer'],
  ['GET', '/sessions/:clientName', 'viewer'],
  ['GET', '/sessions/:clientName/history', 'viewer'],
  ['GET', '/sessions/:clientName/events', 'viewer'],
  ['GET', '/topics/messages', 'viewer'],
  ['GET', '/overview', 'viewer'],
  ['GET', '/labels', 'viewer'],
  ['GET', '/audit', 'viewer'],
  ['POST', '/feed-token', 'viewer'],
  ['GET', '/api-keys', 'viewer'],
  ['GET', '/mqtt-users', 'viewer'],
  ['GET', '/bans', 'viewer'],
  ['GET', '/topic-permissions', 'viewer'],
  // Issue 13: every console shows the alert banner.
  ['GET', '/alert-rules', 'viewer'],
  ['GET', '/mqtt-auth', 'viewer'],
  ['GET', '/accounts', 'viewer'],
  ['GET', '/retention', 'viewer'],
  ['POST', '/retention/preview', 'viewer'],
  ['GET', '/retained', 'viewer'],
  ['GET', '/retained/message', 'viewer'],
  // Issue 13: every account keeps its own saved views.
  ['GET', '/views', 'viewer'],
  ['POST', '/views', 'viewer'],
  ['DELETE', '/views/:name', 'viewer'],

  ['POST', '/sessions/bulk', 'operator'],
  ['PATCH', '/sessions/:clientName', 'operator'],
  ['DELETE', '/sessions/:clientName', 'operator'],
  ['POST', '/sessions/:clientName/disconnect', 'operator'],
  ['POST', '/sessions/:clientName/kick', 'operator'],
  ['POST', '/sessions/:clientName/subscriptions', 'operator'],
  ['DELETE', '/sessions/:clientName/subscriptions', 'operator'],
  ['POST', '/sessions/:clientName/messages', 'operator'],
  ['POST', '/mq-api-sessions', 'operator'],
  ['POST', '/retained/delete', 'operator'],
  ['POST', '/audit/undo', 'operator'],
  ['POST', '/audit/:id/undo', 'operator'],
  ['POST', '/labels', 'operator'],
  ['PATCH', '/labels/:id', 'operator'],
  ['DELETE', '/labels/:id', 'operator'],

  ['POST', '/api-keys', 'administrator'],
  ['PATCH', '/api-keys/:name', 'administrator'],
  ['DELETE', '/api-keys/:name', 'administrator'],
  ['POST', '/mqtt-users', 'administrator'],
  ['PATCH', '/mqtt-users/:username', 'administrator'],
  ['DELETE', '/mqtt-users/:username', 'administrator'],
  ['POST', '/bans', 'operator'],
  ['DELETE', '/bans/:banType/:value', 'operator'],
  ['POST', '/topic-permissions', 'administrator'],
  ['DELETE', '/topic-permissions/:permissionId', 'administrator'],
  ['PUT', '/topic-permissions/settings', 'administrator'],
  ['POST', '/alert-rules', 'administrator'],
  ['PATCH', '/alert-rules/:ruleId', 'administrator'],
  ['DELETE', '/alert-rules/:ruleId', 'administrator'],
  ['PUT', '/mqtt-auth', 'administrator'],
  ['POST', '/accounts', 'administrator'],
  ['PATCH', '/accounts/:username', 'administrator'],
  ['DELETE', '/accounts/:username', 'administrator'],
  ['POST', '/backups', 'administrator'],
  ['GET', '/backups/:fileName', 'administrator'],
  ['PUT', '/retention', 'administrator'],
];
