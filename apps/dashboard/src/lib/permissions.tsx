import { roleAllows, roles, roleSummary, type Role } from '@mqdash/contracts';
import { createContext, useContext, type ReactNode } from 'react';

/**
 * The signed-in account's role (issue 12), provided by the app layout from `/bff/me`, so every
 * feature can hide what the role cannot do without importing the auth feature (STYLE #6). The
 * server checks every request itself; hiding only spares the user buttons that would fail.
 * Unknown (not loaded): nothing that needs a role is shown.
 */
const RoleContext = createContext<Role | undefined>(undefined);

export function RoleProvider({ role, children }: { role: Role | undefined; children: ReactNode }) {
  return <RoleContext.Provider value={role}>{children}</RoleContext.Provider>;
}

export const useRole = (): Role | undefined => useContext(RoleContext);

/** Whether the signed-in account may do what needs `need`. */
export const useCan = (need: Role): boolean => roleAllows(useContext(RoleContext), need);

/** Renders its children only for accounts whose role allows `need`. */
export function Can({ need, children }: { need: Role; children: ReactNode }) {
  return useCan(need) ? children : null;
}

export const roleLabel: Record<Role, string> = { viewer: 'Viewer', operator: 'Operator', administrator: 'Administrator' };

/** The roles as select options, each with what it may do (Settings: accounts and API keys). */
export const roleOptions: ReadonlyArray<{ id: Role; label: string }> = roles.map((r) => ({ id: r, label: `${roleLabel[r]} — ${roleSummary[r]}` }));

/** The roles by name only, for a select inside a table row. */
export const roleShortOptions: ReadonlyArray<{ id: Role; label: string }> = roles.map((r) => ({ id: r, label: roleLabel[r] }));
