import { z } from 'zod';

/**
 * Administrator roles (issue 12), each including the ones before it:
 * - `viewer`: reads everything, changes nothing (not even consuming an MQ API session's messages);
 * - `operator`: also acts on sessions (ban, kick, hide, subscribe, publish, edit, MQ API sessions,
 *   labels), but not on accounts, API keys, MQTT client accounts, permissions or settings;
 * - `administrator`: everything.
 * Administrator accounts and API keys each have one.
 */
export const roles = ['viewer', 'operator', 'administrator'] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);

const rank: Record<Role, number> = { viewer: 0, operator: 1, administrator: 2 };

/** Whether `have` may do what needs `need`; an unknown role may do nothing. */
export const roleAllows = (have: Role | undefined, need: Role): boolean => have !== undefined && rank[have] >= rank[need];

/** What each role may do, in words the dashboard and error messages use. */
export const roleSummary: Record<Role, string> = {
  viewer: 'reads everything, changes nothing',
  operator: 'acts on sessions: ban, kick, hide, subscribe, publish, edit',
  administrator: 'everything, including accounts, API keys and settings',
};
