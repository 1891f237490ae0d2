import {
  listConnectionValues, mqttProtocolFilterValues, sessionHealths, sessionStatusValues, sessionTypes, sortKeys,
  type SessionHealth, type SessionStatus, type SortKey,
} from '@mqdash/contracts';
import type { SortingState } from '@tanstack/react-table';

/**
 * The sessions table's state — every listMqSessions filter, the sort and the page — and the tiny
 * pure functions that move it between the URL, TanStack Table and the BFF query (STYLE #11).
 * The URL is the source of truth, so a view is bookmarkable and Back works.
 */

export type ListConnection = (typeof listConnectionValues)[number];
export type ListSessionType = (typeof sessionTypes)[number];
export type SortDirection = 'asc' | 'desc';
export type ListProtocol = (typeof mqttProtocolFilterValues)[number];

export interface SessionsListState {
  /** Issue 13: a substring of client id, user name, IP address or label name (1–2 characters: a client-id prefix). */
  search: string;
  /** An exact user name. */
  username: string;
  /** An IP address or CIDR range. */
  ip: string;
  protocol: ListProtocol[];
  connection: ListConnection[];
  status: SessionStatus[];
  type: ListSessionType[];
  health: SessionHealth[];
  /** Sessions carrying any of these labels. */
  labelIds: number[];
  showHidden: boolean;
  /** Only sessions with a health threshold set (the API's `unsetHealthMeasures=false`). */
  withThresholdsOnly: boolean;
  sort: SortKey;
  dir: SortDirection;
  /** 0-based here and in the API; 1-based in the URL, where people read it. */
  page: number;
  pageSize: number;
}

export const pageSizes = [25, 50, 100, 200] as const;
export const defaultListState: SessionsListState = {
  search: '',
  username: '',
  ip: '',
  protocol: [],
  connection: [],
  status: [],
  type: [],
  health: [],
  labelIds: [],
  showHidden: false,
  withThresholdsOnly: false,
  sort: 'clientName',
  dir: 'asc',
  page: 0,
  pageSize: 50,
};

/** "a,b,nonsense" → the known values, in their canonical order, without repeats. */
function csvOf<T extends string>(raw: string | null, allowed: readonly T[]): T[] {
  if (!raw) return [];
  const given = new Set(raw.split(','));
  return allowed.filter((v) => given.has(v));
}

function intOf(raw: string | null, min: number, max: number): number | null {
  if (raw === null || !/^\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n >= min && n <= max ? n : null;
}

/** "3,1,x,3" → the label ids, in the order given, without repeats. */
function idsOf(raw: string | null): number[] {
  if (!raw) return [];
  const ids = raw.split(',').map((v) => intOf(v, 0, 4294967296)).filter((v): v is number => v !== null);
  return [...new Set(ids)];
}

/**
 * URL → state; anything unknown or malformed falls back to the default. Links from before issue 13
 * still open: `prefix` becomes the search and `labelId` one of the labels.
 */
export function parseListSearch(params: URLSearchParams): SessionsListState {
  const sort = params.get('sort');
  const size = intOf(params.get('pageSize'), 1, 1000);
  const page = intOf(params.get('page'), 1, 10_000_000);
  return {
    search: params.get('q') ?? params.get('prefix') ?? '',
    username: params.get('username') ?? '',
    ip: params.get('ip') ?? '',
    protocol: csvOf(params.get('protocol'), mqttProtocolFilterValues),
    connection: csvOf(params.get('connection'), listConnectionValues),
    status: csvOf(params.get('status'), sessionStatusValues),
    type: csvOf(params.get('type'), sessionTypes),
    health: csvOf(params.get('health'), sessionHealths),
    labelIds: idsOf(params.get('labels') ?? params.get('labelId')),
    showHidden: params.get('showHidden') === '1',
    withThresholdsOnly: params.get('withThresholds') === '1',
    sort: sortKeys.includes(sort as SortKey) ? (sort as SortKey) : defaultListState.sort,
    dir: params.get('dir') === 'desc' ? 'desc' : 'asc',
    page: page === null ? 0 : page - 1,
    pageSize: size !== null && (pageSizes as readonly number[]).includes(size) ? size : defaultListState.pageSize,
  };
}

/** State → URL, leaving out defaults so links stay short. */
export function listSearchParams(state: SessionsListState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.search) params.set('q', state.search);
  if (state.username) params.set('username', state.username);
  if (state.ip) params.set('ip', state.ip);
  if (state.protocol.length) params.set('protocol', state.protocol.join(','));
  if (state.connection.length) params.set('connection', state.connection.join(','));
  if (state.status.length) params.set('status', state.status.join(','));
  if (state.type.length) params.set('type', state.type.join(','));
  if (state.health.length) params.set('health', state.health.join(','));
  if (state.labelIds.length) params.set('labels', state.labelIds.join(','));
  if (state.showHidden) params.set('showHidden', '1');
  if (state.withThresholdsOnly) params.set('withThresholds', '1');
  if (state.sort !== defaultListState.sort || state.dir !== defaultListState.dir) {
    params.set('sort', state.sort);
    params.set('dir', state.dir);
  }
  if (state.page > 0) params.set('page', String(state.page + 1));
  if (state.pageSize !== defaultListState.pageSize) params.set('pageSize', String(state.pageSize));
  return params;
}

/** The filter alone, as `GET /bff/sessions` spells it: for bulk "all matching" and export. */
export function toFilterQuery(state: SessionsListState): Record<string, string> {
  const query: Record<string, string> = {};
  if (state.search) query.q = state.search;
  if (state.username) query.username = state.username;
  if (state.ip) query.ip = state.ip;
  if (state.protocol.length) query.protocol = state.protocol.join(',');
  if (state.connection.length) query.connection = state.connection.join(',');
  if (state.status.length) query.status = state.status.join(',');
  if (state.type.length) query.type = state.type.join(',');
  if (state.health.length) query.health = state.health.join(',');
  if (state.labelIds.length) query.labelIds = state.labelIds.join(',');
  if (state.showHidden) query.showHidden = '1';
  if (state.withThresholdsOnly) query.unsetHealthMeasures = 'false';
  return query;
}

/** Filter, sort and page: every input of the list request (and so of its query key, STYLE #8). */
export function toSessionsQuery(state: SessionsListState): Record<string, string> {
  return { ...toFilterQuery(state), sort: state.sort, dir: state.dir, page: String(state.page), pageSize: String(state.pageSize) };
}

/**
 * A list query (the object in the query key, as `toSessionsQuery` wrote it) → state: the live feed
 * decides from a cached page's own key whether a changed session belongs on that page.
 */
export function listStateFromQuery(query: Record<string, string>): SessionsListState {
  const params = new URLSearchParams();
  for (const key of ['q', 'username', 'ip', 'protocol', 'connection', 'status', 'type', 'health', 'showHidden', 'sort', 'dir', 'pageSize']) {
    const value = query[key];
    if (value !== undefined) params.set(key, value);
  }
  if (query.labelIds !== undefined) params.set('labels', query.labelIds);
  if (query.unsetHealthMeasures === 'false') params.set('withThresholds', '1');
  if (query.page !== undefined && /^\d+$/.test(query.page)) params.set('page', String(Number(query.page) + 1));
  return parseListSearch(params);
}

export const sortingFromState = (state: SessionsListState): SortingState => [{ id: state.sort, desc: state.dir === 'desc' }];

/** TanStack Table's sorting → state; a column that is not a sort key leaves the state as it is. */
export function withSorting(state: SessionsListState, sorting: SortingState): SessionsListState {
  const first = sorting[0];
  if (!first || !sortKeys.includes(first.id as SortKey)) return state;
  return { ...state, sort: first.id as SortKey, dir: first.desc ? 'desc' : 'asc', page: 0 };
}

type FilterPatch = Partial<Omit<SessionsListState, 'sort' | 'dir' | 'page' | 'pageSize'>>;

/** A filter change starts again at the first page (STYLE #9). */
export const withFilters = (state: SessionsListState, patch: FilterPatch): SessionsListState => ({ ...state, ...patch, page: 0 });

export function hasActiveFilters(state: SessionsListState): boolean {
  return Object.keys(toFilterQuery(state)).length > 0;
}

export const clearFilters = (state: SessionsListState): SessionsListState => ({ ...defaultListState, sort: state.sort, dir: state.dir, pageSize: state.pageSize });

export const pageCount = (total: number, pageSize: number): number => Math.max(1, Math.ceil(total / pageSize));
