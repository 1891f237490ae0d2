import type { SessionDetail, SessionListRow, SessionsPage } from '@mqdash/contracts';
import { notifyManager, type QueryCache, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { ApiError } from '../../../lib/api-client';
import { mergeRowIntoDetail, patchPage, type SessionChanges } from '../lib/live-list';
import { flashRows } from '../lib/row-flash';
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
 * Sessions this browser knows are gone (deleted, kicked, expired): refetching their detail or
 * history would only answer 404, which the browser logs as a console error. A feed change for the
 * name (the client came back) takes it off the list.
 */
const gone = new Set<string>();

/** Refresh every sessions query but the detail and history of sessions known to be gone. */
export const invalidateSessions = (queryClient: QueryClient): Promise<void> =>
  queryClient.invalidateQueries({
    queryKey: sessionKeys.all,
    predicate: (query) => !((query.queryKey[1] === 'detail' || query.queryKey[1] === 'history') && gone.has(String(query.queryKey[2]))),
  });

/** After a permanent delete (or kick): the session is gone; refresh everything else. */
export const invalidateAfterRemoval = (queryClient: QueryClient, clientName: string): Promise<void> => {
  gone.add(clientName);
  return invalidateSessions(queryClient);
};

/* ---- The live feed (DESIGN §5): `$SYS/mqdash/sessions/changes` patches the cache in place ---- */

/** What this browser last saw of sessions in feed messages (bounded), to tell a change from a newcomer. */
const seen = new Map<string, { row: SessionListRow; at: number }>();
const MAX_SEEN = 50_000;

function remember(message: SessionChanges, at: number): void {
  for (const name of message.removed) seen.delete(name);
  for (const row of message.changes) {
    gone.delete(row.clientName);
    seen.delete(row.clientName);
    seen.set(row.clientName, { row, at });
  }
  // A Map iterates in insertion order: the first keys are the longest unchanged.
  for (const name of seen.keys()) {
    if (seen.size <= MAX_SEEN) break;
    seen.delete(name);
  }
}

/** Refetches of pages the feed could not keep exact, at most one round every few seconds. */
const staleLists = new Map<string, QueryKey>();
let staleTimer: ReturnType<typeof setTimeout> | undefined;
let lastStaleRound = 0;
const STALE_MIN_GAP_MS = 4_000;

function scheduleListRefetch(queryClient: QueryClient, key: QueryKey): void {
  staleLists.set(JSON.stringify(key), key);
  if (staleTimer) return;
  const delay = Math.max(1_000, lastStaleRound + STALE_MIN_GAP_MS - Date.now());
  staleTimer = setTimeout(() => {
    staleTimer = undefined;
    lastStaleRound = Date.now();
    const keys = [...staleLists.values()];
    staleLists.clear();
    for (const k of keys) void queryClient.invalidateQueries({ queryKey: k, exact: true });
  }, delay);
}

/** Details get the row fields at once; the rest (subscriptions, totals) with a throttled refetch. */
const detailTimers = new Map<string, ReturnType<typeof setTimeout>>();
const DETAIL_REFRESH_MS = 2_000;

function scheduleDetailRefetch(queryClient: QueryClient, clientName: string): void {
  if (detailTimers.has(clientName)) return;
  detailTimers.set(clientName, setTimeout(() => {
    detailTimers.delete(clientName);
    void queryClient.invalidateQueries({ queryKey: sessionKeys.detail(clientName), exact: true });
  }, DETAIL_REFRESH_MS));
}

/**
 * A session the feed reports removed (deleted, kicked, expired): its open detail says so at once.
 * Asking the server would only answer 404, which the browser also logs as a console error.
 */
export function markRemoved(queryClient: QueryClient, clientName: string): void {
  gone.add(clientName);
  clearTimeout(detailTimers.get(clientName));
  detailTimers.delete(clientName);
  const detail = queryClient.getQueryCache().find({ queryKey: sessionKeys.detail(clientName), exact: true });
  detail?.setState({
    status: 'error',
    data: undefined,
    error: new ApiError(404, 'SESSION_NOT_FOUND', `No session is named ${JSON.stringify(clientName)}: it was deleted.`),
    fetchStatus: 'idle',
  });
  void queryClient.cancelQueries({ queryKey: sessionKeys.history(clientName), exact: true });
}

const flashFields = ['connectionStatus', 'sessionStatus', 'sessionHealth', 'lastConnectDateTime', 'subscribedTopicFiltersCount'] as const;

/**
 * One `sessions/changes` message → every cached page and open detail, in one batch (one render):
 * rows change in place, newcomers that match a page's filter appear, removed sessions disappear.
 */
export function applySessionChanges(queryClient: QueryClient, message: SessionChanges): void {
  const cache = queryClient.getQueryCache();
  const lists = cache.findAll({ queryKey: sessionKeys.lists() });
  let pageRows: Map<string, { row: SessionListRow; at: number }> | undefined;
  const priorOf = (name: string): SessionListRow | undefined => {
    pageRows ??= indexPageRows(lists);
    const fromFeed = seen.get(name);
    const fromPage = pageRows.get(name);
    if (fromFeed && fromPage) return fromFeed.at >= fromPage.at ? fromFeed.row : fromPage.row;
    return (fromFeed ?? fromPage)?.row;
  };
  const changedByName = new Map(message.changes.map((row) => [row.clientName, row]));
  const removed = new Set(message.removed);

  // Highlight what an administrator watches for (a new row, a status, connection or health
  // turn), not every move of a rate: an unhealthy publisher is reported each second.
  const flash = message.changes.filter((row) => {
    const before = priorOf(row.clientName);
    return !before || flashFields.some((field) => before[field] !== row[field]);
  });

  notifyManager.batch(() => {
    flashRows(flash.map((row) => row.clientName));
    for (const query of lists) {
      const page = query.state.data as SessionsPage | undefined;
      const params = query.queryKey[2];
      if (!page || !params || typeof params !== 'object') continue;
      const result = patchPage(page, params as Record<string, string>, message, priorOf);
      if (result.changed) queryClient.setQueryData(query.queryKey, result.page);
      // A response on its way may predate this change and overwrite it: ask again after it.
      if (result.stale || (result.changed && query.state.fetchStatus === 'fetching')) scheduleListRefetch(queryClient, query.queryKey);
    }
    for (const query of cache.findAll({ queryKey: sessionKeys.details() })) {
      const name = query.queryKey[2];
      if (typeof name !== 'string') continue;
      const row = changedByName.get(name);
      const detail = query.state.data as SessionDetail | undefined;
      if (row && detail) {
        queryClient.setQueryData(query.queryKey, mergeRowIntoDetail(detail, row));
        scheduleDetailRefetch(queryClient, name);
      } else if (row) {
        // Not loaded, or shown as deleted: a session by that name exists (again).
        scheduleDetailRefetch(queryClient, name);
      } else if (removed.has(name)) markRemoved(queryClient, name);
    }
  });
  remember(message, Date.now());
}

function indexPageRows(lists: ReturnType<QueryCache['findAll']>): Map<string, { row: SessionListRow; at: number }> {
  const index = new Map<string, { row: SessionListRow; at: number }>();
  for (const query of lists) {
    const page = query.state.data as SessionsPage | undefined;
    const at = query.state.dataUpdatedAt;
    for (const row of page?.rows ?? []) {
      const known = index.get(row.clientName);
      if (!known || known.at < at) index.set(row.clientName, { row, at });
    }
  }
  return index;
}
