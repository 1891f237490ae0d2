import type { RouteRoles } from '../http/role-gate.ts';

/**
 * The role an API key needs for each `/api/v5` route (issue 12), checked before the route runs;
 * the JSON actions behind them check too. A route missing here needs `administrator`.
 */
export const emqxRouteRoles: RouteRoles = [
  ['GET', '/clients', 'viewer'],
  ['GET', '/clients/:clientid', 'viewer'],
  ['DELETE', '/clients/:clientid', 'operator'],
  ['POST', '/clients/:clientid/subscribe', 'operator'],
  ['POST', '/clients/:clientid/subscribe/bulk', 'operator'],
  ['POST', '/clients/:clientid/unsubscribe', 'operator'],
  ['POST', '/clients/:clientid/unsubscribe/bulk', 'operator'],
  ['POST', '/publish', 'operator'],
  ['POST', '/publish/bulk', 'operator'],
  ['GET', '/subscriptions', 'viewer'],
  ['GET', '/stats', 'viewer'],
  ['GET', '/metrics', 'viewer'],
  ['GET', '/nodes', 'viewer'],
  ['GET', '/nodes/:node', 'viewer'],
  ['GET', '/topics', 'viewer'],
  ['GET', '/mqtt/retainer/messages', 'viewer'],
  ['GET', '/mqtt/retainer/message/*topic', 'viewer'],
  ['DELETE', '/mqtt/retainer/messages', 'operator'],
  ['DELETE', '/mqtt/retainer/message/*topic', 'operator'],
  ['GET', '/banned', 'viewer'],
  ['POST', '/banned', 'operator'],
  ['DELETE', '/banned/:as/:who', 'operator'],
];
