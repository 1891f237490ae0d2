import { MIN_SUBSTRING_SEARCH, parseIpFilter, type IpRange, type SessionDetail, type SessionListRow, type SessionsPage, type SortKey } from '@mqdash/contracts';
import { listStateFromQuery, type SessionsListState, type SortDirection } from './list-state';

/**
 * The live feed's session changes (DESIGN §5) applied to one cached page of the sessions table,
 * decided in the browser from the row's fields and the page's own filter, sort and position.
 * Pure functions: `api/session-cache.ts` runs them over every cached page in one batch.
 *
 * A page is exact when the client can know enough: the row itself (is it on this page?), what
 * this browser last saw of the session (a cached page or an earlier feed message), or what the
 * kind of change implies (a first connect is a new session; a connect was a disconnected,
 * offline session before). When it cannot know — a row that changed before this browser ever
 * saw it and whose earlier state decides, a shift of the pages before this one — the page is
 * marked `stale`, and the caller refetches it, throttled.
 */

export type Match = 'yes' | 'no' | 'maybe';

/** Statuses an empty status filter matches: every one but hidden (DESIGN §3). */
const visibleStatuses = ['normal', 'banned', 'inactive'];

/**
 * The search box as the server answers it (issue 13): 3 characters or more, a substring of client
 * id, user name, IP address or label name in any letter case; shorter, a client-id prefix.
 */
export function searchMatcher(search: string): (row: SessionListRow) => boolean {
  if (!search) return () => true;
  if ([...search].length < MIN_SUBSTRING_SEARCH) return (row) => row.clientName.startsWith(search);
  const term = search.toLowerCase();
  return (row) => [row.clientName, row.username, row.ipaddress, row.label?.name].some((v) => v !== undefined && v.toLowerCase().includes(term));
}

function ipRangeOf(ip: string): IpRange | null {
  try {
    return parseIpFilter(ip);
  } catch {
    return null; // The server refuses it; the page shows that error.
  }
}

/** A filter compiled once per page and message: one call per changed row. */
export function filterMatcher(f: SessionsListState): (row: SessionListRow) => Match {
  const searched = searchMatcher(f.search);
  const range = f.ip ? ipRangeOf(f.ip) : null;
  const protocols = new Set<string>(f.protocol);
  const labelIds = new Set<number>(f.labelIds);
  const types = new Set<string>(f.type);
  const healths = new Set<string>(f.health);
  const connections = new Set<string>(f.connection);
  const statuses = new Set<string>(f.status.length ? f.status : visibleStatuses);
  if (f.showHidden) statuses.add('hidden');
  return (row) => {
    if (!searched(row)) return 'no';
    if (f.username && row.username !== f.username) return 'no';
    if (f.ip && !range?.contains(row.ipaddress)) return 'no';
    if (protocols.size && !protocols.has(row.mqttProtocol ?? '')) return 'no';
    if (labelIds.size && (row.label === undefined || !labelIds.has(row.label.id))) return 'no';
    if (types.size && !types.has(row.sessionType)) return 'no';
    if (healths.size && !healths.has(row.sessionHealth)) return 'no';
    if (!statuses.has(row.sessionStatus)) return 'no';
    let maybe = false;
    if (connections.size && !connections.has(row.connectionStatus)) {
      // `unknown` (an MQ API session never used) is reported as disconnected in rows (DESIGN §3).
      const couldBeUnknown = connections.has('unknown') && row.connectionStatus === 'disconnected' && row.sessionType === 'mqApi' && !row.lastConnectDateTime;
      if (!couldBeUnknown) return 'no';
      maybe = true;
    }
    // Thresholds are not in the row; only an unhealthy session certainly has one set.
    if (f.withThresholdsOnly && row.sessionHealth !== 'unhealthy') maybe = true;
    return maybe ? 'maybe' : 'yes';
  };
}

/** Does the row pass the list's filters (the server's rules, DESIGN §3 `listMqSessions`)? */
export const matchesFilter = (row: SessionListRow, f: SessionsListState): Match => filterMatcher(f)(row);

/** The server's address-order key (broker `store/ip-sort.ts`): IPv4, then IPv6, then the rest. */
export function ipSortKey(ip: string | undefined): string | null {
  if (!ip) return null;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return ip.split('.').map((o) => o.padStart(3, '0')).join('.');
  if (/^[0-9a-f:]+$/i.test(ip) && ip.includes(':')) {
    const [head = '', tail = ''] = ip.split('::') as [string, string?];
    const h = head ? head.split(':') : [];
    const t = ip.includes('::') && tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...new Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
    return `~${groups.map((g) => g.padStart(4, '0')).join(':')}`;
  }
  return `~~${ip}`;
}

const time = (iso: string | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

function sortValue(row: SessionListRow, sort: SortKey): number | string | null {
  switch (sort) {
    case 'lastConnect':
      return time(row.lastConnectDateTime);
    case 'lastDisconnect':
      return time(row.lastDisconnectDateTime);
    case 'ipAddress':
      return ipSortKey(row.ipaddress);
    default:
      return row.clientName;
  }
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The server's order: the sort column (never-set values last either way), then clientName. */
export function compareRows(a: SessionListRow, b: SessionListRow, sort: SortKey, dir: SortDirection): number {
  const sign = dir === 'desc' ? -1 : 1;
  if (sort !== 'clientName') {
    const va = sortValue(a, sort);
    const vb = sortValue(b, sort);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else if (va !== vb) return sign * (va < vb ? -1 : 1);
  }
  return sign * compareText(a.clientName, b.clientName);
}

/** How close to the message's time a connect or disconnect must be to be "this change". */
const RECENT_MS = 5_000;

const isRecent = (iso: string | undefined, tsMs: number) => {
  const t = time(iso);
  return t !== null && tsMs - t <= RECENT_MS && tsMs - t >= -RECENT_MS;
};

const justConnected = (row: SessionListRow, tsMs: number) => row.connectionStatus !== 'disconnected' && isRecent(row.lastConnectDateTime, tsMs);
const justDisconnected = (row: SessionListRow, tsMs: number) => row.connectionStatus === 'disconnected' && isRecent(row.lastDisconnectDateTime, tsMs);

/**
 * What the session may have looked like before this change: what this browser saw of it, or
 * the states the change implies. An empty list: the session did not exist (a first connect).
 */
export function priorCandidates(row: SessionListRow, tsMs: number, known: SessionListRow | undefined): SessionListRow[] {
  if (known) return [known];
  if (justConnected(row, tsMs)) {
    // A first connect creates the session (an earlier one would have a disconnect time).
    if (row.sessionType === 'mqtt' && !row.lastDisconnectDateTime) return [];
    // It was disconnected and offline; a connect turns an inactive session normal (DESIGN §3).
    const statuses = row.sessionStatus === 'normal' ? (['normal', 'inactive'] as const) : [row.sessionStatus];
    return statuses.map((sessionStatus) => ({ ...row, connectionStatus: 'disconnected', sessionHealth: 'offline', sessionStatus }));
  }
  const wasConnected = row.sessionType === 'mqApi' ? 'connectedTemporarily' : 'connected';
  if (justDisconnected(row, tsMs)) return (['healthy', 'unhealthy'] as const).map((sessionHealth) => ({ ...row, connectionStatus: wasConnected, sessionHealth }));
  // Another change (health, subscriptions, a refused connect): health may have been either
  // value a connected session has; a disconnected one was offline all along.
  if (row.connectionStatus === 'disconnected') return [row];
  return (['healthy', 'unhealthy'] as const).map((sessionHealth) => ({ ...row, sessionHealth }));
}

/** Whether every candidate matches ('yes'), none does ('no'), or it depends ('maybe'). */
export function matchesAll(rows: readonly SessionListRow[], match: (row: SessionListRow) => Match): Match {
  let yes = 0;
  let no = 0;
  for (const r of rows) {
    const m = match(r);
    if (m === 'maybe') return 'maybe';
    if (m === 'yes') yes++;
    else no++;
  }
  return yes === 0 ? 'no' : no === 0 ? 'yes' : 'maybe';
}

/** Could this change have moved the session in the page's order? */
function sortKeyMayHaveChanged(row: SessionListRow, tsMs: number, sort: SortKey): boolean {
  if (sort === 'clientName') return false;
  if (sort === 'lastDisconnect') return justDisconnected(row, tsMs);
  return justConnected(row, tsMs);
}

export interface SessionChanges {
  ts: string;
  changes: readonly SessionListRow[];
  removed: readonly string[];
}

export interface PatchResult {
  page: SessionsPage;
  /** The page object was replaced. */
  changed: boolean;
  /** The page cannot be made exact from here: refetch it. */
  stale: boolean;
}

/**
 * Applies one feed message to one cached page. `priorOf` answers what this browser last saw of a
 * session before this message (undefined: never seen).
 */
export function patchPage(
  page: SessionsPage,
  query: Record<string, string>,
  message: SessionChanges,
  priorOf: (clientName: string) => SessionListRow | undefined,
): PatchResult {
  const f = listStateFromQuery(query);
  const match = filterMatcher(f);
  const cmp = (a: SessionListRow, b: SessionListRow) => compareRows(a, b, f.sort, f.dir);
  const tsMs = Date.parse(message.ts);
  const rows = page.rows;
  const first = rows[0];
  const last = rows[rows.length - 1];
  const start = page.page * page.pageSize;
  const hasAfter = page.total > start + rows.length;
  const byName = new Map(rows.map((r) => [r.clientName, r]));
  let total = page.total;
  let changed = false;
  let stale = false;
  let reorder = false;

  /** Where a row sorts relative to this page: before it, on it, or after it. */
  const placeOf = (r: SessionListRow): -1 | 0 | 1 => {
    if (!first || !last) return start === 0 ? 0 : -1;
    if (cmp(r, first) < 0) return start === 0 ? 0 : -1;
    if (cmp(r, last) <= 0) return 0;
    return hasAfter || rows.length >= page.pageSize ? 1 : 0;
  };

  for (const name of message.removed) {
    if (byName.delete(name)) {
      total--;
      changed = true;
      continue;
    }
    const prev = priorOf(name);
    const was = prev ? match(prev) : 'maybe';
    if (was === 'maybe') stale = true;
    else if (was === 'yes') {
      total--;
      changed = true;
      if (placeOf(prev!) === -1) stale = true;
    }
  }

  for (const row of message.changes) {
    const name = row.clientName;
    const now = match(row);
    const shown = byName.get(name);
    if (shown) {
      if (now === 'no') {
        byName.delete(name);
        total--;
      } else {
        byName.set(name, row);
        if (cmp(shown, row) !== 0) reorder = true;
      }
      changed = true;
      continue;
    }
    const known = priorOf(name);
    const before = matchesAll(priorCandidates(row, tsMs, known), match);
    if (now === 'maybe' || before === 'maybe') {
      if (now !== 'no' || before !== 'no') stale = true;
      continue;
    }
    const where = placeOf(row);
    const oldWhere = known ? placeOf(known) : sortKeyMayHaveChanged(row, tsMs, f.sort) ? null : where;
    if (now === 'no') {
      if (before === 'yes') {
        // It left the filter from another page; one before this one shifts this page.
        total--;
        changed = true;
        if (start > 0 && oldWhere !== 1) stale = true;
      }
      continue;
    }
    if (before === 'no') {
      // New to the filter: one more, shown when it sorts into this page.
      total++;
      changed = true;
      if (where === 0) {
        byName.set(name, row);
        reorder = true;
      } else if (where === -1) stale = true;
      continue;
    }
    // Counted already, on another page: it shows here when its sort key moved it here.
    if (where === 0) {
      byName.set(name, row);
      changed = true;
      reorder = true;
      if (start > 0 && oldWhere !== 1) stale = true;
    } else if (oldWhere !== where) stale = true;
  }

  if (!changed) return { page, changed: false, stale };
  let next = [...byName.values()];
  if (reorder) next.sort(cmp);
  if (next.length > page.pageSize) next = next.slice(0, page.pageSize);
  total = Math.max(total, start + next.length, 0);
  // Rows left the page while more follow it: the next page's first rows belong here now.
  if (next.length < page.pageSize && total > start + next.length) stale = true;
  return { page: { ...page, rows: next, total }, changed: true, stale };
}

/** A feed row's fields written into a cached detail (the rest comes with the next refetch). */
export function mergeRowIntoDetail(detail: SessionDetail, row: SessionListRow): SessionDetail {
  return {
    ...detail,
    sessionType: row.sessionType,
    sessionStatus: row.sessionStatus,
    connectionStatus: row.connectionStatus,
    temporarySession: row.temporarySession,
    ipaddress: row.ipaddress,
    port: row.port,
    mqttProtocol: row.mqttProtocol,
    username: row.username,
    connectionDateTime: row.lastConnectDateTime,
    disconnectionDateTime: row.lastDisconnectDateTime,
    label: row.label,
    stats: detail.stats && {
      ...detail.stats,
      sessionHealth: row.sessionHealth,
      unhealthyReason: row.unhealthyReason,
      unhealthyReasonDetail: row.unhealthyReasonDetail,
      unhealthySince: row.unhealthySince,
      publishRatePerMinute: row.publishRatePerMinute,
      receiveMessagesPerMinute: row.receiveMessagesPerMinute,
      currentDeliveryBacklogged: row.currentDeliveryBacklogged,
    },
  };
}
