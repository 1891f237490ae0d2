import type { SessionDetail, SessionListRow, SessionsPage } from '@mqdash/contracts';
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { sessionKeys } from './keys';

/**
 * In-place edits of cached sessions, keyed by clientName: optimistic status changes now, the live
 * feed's `changes`/`removed` (DESIGN §5) later, without refetching.
 */

export type SessionPatch = Partial<Pick<SessionListRow, 'sessionStatus' | 'connectionStatus' | 'sessionHealth' | 'temporarySession'>>;

export type SessionsSnapshot = Array<[QueryKey, unknown]>;

/** Everything under ['sessions'], to restore when an optimistic change fails. */
export const snapshotSessions = (queryClient: QueryClient): SessionsSnapshot => queryClient.getQueriesData({ queryKey: sessionKeys.all });

export function restoreSessions(queryClient: QueryClient, snapshot: SessionsSnapshot | undefined): void {
  for (const [key, data] of snapshot ?? []) queryClient.setQueryData(key, data);
}

export function patchSessions(queryClient: QueryClient, clientNames: readonly string[], patch: SessionPatch): void {
  const names = new Set(clientNames);
  queryClient.setQueriesData<SessionsPage>({ queryKey: sessionKeys.lists() }, (page) =>
    page && { ...page, rows: page.rows.map((row) => (names.has(row.clientName) ? { ...row, ...patch } : row)) },
  );
  for (const name of names)
    queryClient.setQueryData<SessionDetail>(sessionKeys.detail(name), (detail) => {
      if (!detail) return detail;
      const { sessionHealth, ...rest } = patch;
      return { ...detail, ...rest, ...(sessionHealth && detail.stats ? { stats: { ...detail.stats, sessionHealth } } : {}) };
    });
}

/** Replaces a row wherever a cached page shows it (a feed `changes` entry is a full row). */
export function replaceListRow(queryClient: QueryClient, row: SessionListRow): void {
  queryClient.setQueriesData<SessionsPage>({ queryKey: sessionKeys.lists() }, (page) =>
    page && { ...page, rows: page.rows.map((r) => (r.clientName === row.clientName ? row : r)) },
  );
}

/** After an alter, the server's answer is the new truth for the detail. */
export const setSessionDetail = (queryClient: QueryClient, detail: SessionDetail): void => {
  queryClient.setQueryData(sessionKeys.detail(detail.clientName), detail);
};

/**
 * After a permanent delete (or kick): refresh every sessions query but the deleted session's
 * detail, which would only answer 404 (the page showing it is being left).
 */
export const invalidateAfterRemoval = (queryClient: QueryClient, clientName: string): Promise<void> =>
  queryClient.invalidateQueries({
    queryKey: sessionKeys.all,
    predicate: (query) => !(query.queryKey[1] === 'detail' && query.queryKey[2] === clientName),
  });
