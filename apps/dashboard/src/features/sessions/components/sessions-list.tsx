import type { RowSelectionState, SortingState, Updater, VisibilityState } from '@tanstack/react-table';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import type { Option } from '../../../components/ui/fields';
import { EmptyState, ErrorState } from '../../../components/ui/states';
import { errorMessage } from '../../../lib/api-client';
import { formatCount } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { useSessions } from '../api/list-sessions';
import { sessionNoun } from '../lib/display';
import {
  clearFilters, hasActiveFilters, listSearchParams, pageCount, parseListSearch, sortingFromState, toFilterQuery,
  toSessionsQuery, withFilters, withSorting, type SessionsListState,
} from '../lib/list-state';
import { usePausablePage } from '../lib/paused-page';
import { rememberListSearch } from '../lib/paths';
import { BulkActions } from './bulk-actions';
import { ColumnChooser } from './column-chooser';
import { ExportButtons } from './export-buttons';
import { LiveControl } from './live-control';
import { defaultColumnVisibility, hideableSessionColumns } from './sessions-columns';
import { SessionsFilters } from './sessions-filters';
import { SessionsPagination } from './sessions-pagination';
import { SessionsTable } from './sessions-table';

const COLUMNS_KEY = 'mqdash.sessions.columns';

/** The user's own column choices (only those that differ from the defaults are kept). */
function readColumnChoices(): VisibilityState {
  try {
    const saved = JSON.parse(localStorage.getItem(COLUMNS_KEY) ?? 'null') as unknown;
    if (saved && typeof saved === 'object') return saved as VisibilityState;
  } catch {
    // Unreadable: fall back to the defaults.
  }
  return {};
}

const resolve = <T,>(updater: Updater<T>, old: T): T => (typeof updater === 'function' ? (updater as (old: T) => T)(old) : updater);

interface Selection {
  /** The filter the selection was made under; another filter means an empty selection. */
  scope: string;
  rows: RowSelectionState;
  allMatching: boolean;
}

export interface SessionsListProps {
  labelOptions: Option[];
  headingId: string;
  /** Poll this often (ms), e.g. while live updates are down; false: the live feed keeps it current. */
  refreshInterval?: number | false;
  /** Issue 13: the saved-views menu, given the view shown now and a way to show another. */
  viewsMenu?: (view: ListView) => ReactNode;
}

/** The view shown now, as a saved view holds it: the query string (without the page) and the shown columns. */
export interface ListView {
  search: string;
  columns: string[];
  apply: (view: { search: string; columns: string[] }) => void;
}

/** The sessions table with its filters, bulk actions and paging; all view state lives in the URL. */
export function SessionsList({ labelOptions, headingId, refreshInterval = false, viewsMenu }: SessionsListProps) {
  const [searchParams, setSearchParams] = useSearchParams();
  const state = useMemo(() => parseListSearch(searchParams), [searchParams]);
  const query = useMemo(() => toSessionsQuery(state), [state]);
  const filter = useMemo(() => toFilterQuery(state), [state]);
  const scope = JSON.stringify(filter);
  const sessions = useSessions(query, { refetchInterval: refreshInterval });
  // Issue 13: paused, the table shows the page as it was until Apply or Resume.
  const live = usePausablePage(JSON.stringify(query), sessions.data, sessions.isPlaceholderData);

  const [columnChoices, setColumnChoices] = useState<VisibilityState>(readColumnChoices);
  // Issue 13: the Label column is on by default once labels exist.
  const defaults = defaultColumnVisibility(labelOptions.length > 0);
  const columnVisibility = { ...defaults, ...columnChoices };
  // Issue 12: a viewer changes nothing, so it gets no selection and no bulk actions.
  const canAct = useCan('operator');
  const [selection, setSelection] = useState<Selection>({ scope, rows: {}, allMatching: false });
  const current = selection.scope === scope ? selection : { scope, rows: {}, allMatching: false };

  const search = listSearchParams(state).toString();
  useEffect(() => rememberListSearch(search ? `?${search}` : ''), [search]);

  // flushSync: controls reflect the URL at once (a ticked box stays ticked), not after a transition.
  const setState = (next: SessionsListState, replace = false) => setSearchParams(listSearchParams(next), { replace, flushSync: true });
  const rows = live.page?.rows ?? [];
  const total = live.page?.total ?? 0;
  const selectedNames = Object.keys(current.rows).filter((k) => current.rows[k]);

  // A page beyond the end (sessions deleted meanwhile, an old bookmark): go to the last one.
  const pages = pageCount(total, state.pageSize);
  useEffect(() => {
    if (sessions.data && !sessions.isPlaceholderData && state.page >= pages && state.page > 0)
      setSearchParams(listSearchParams({ ...state, page: pages - 1 }), { replace: true });
  }, [sessions.data, sessions.isPlaceholderData, state, pages, setSearchParams]);

  const onColumnVisibilityChange = (updater: Updater<VisibilityState>) => {
    const next = resolve(updater, columnVisibility);
    // Kept: what differs from the defaults, so a default that changes (labels created) still applies.
    const choices = Object.fromEntries(Object.entries(next).filter(([id, shown]) => (defaults[id] ?? true) !== shown));
    setColumnChoices(choices);
    try {
      localStorage.setItem(COLUMNS_KEY, JSON.stringify(choices));
    } catch {
      // Not persisted; still applied.
    }
  };
  const visibleColumns = new Set(hideableSessionColumns.filter((c) => columnVisibility[c.id] !== false).map((c) => c.id));
  const currentView: ListView = {
    search: listSearchParams({ ...state, page: 0 }).toString(),
    columns: [...visibleColumns],
    apply: (view) => {
      onColumnVisibilityChange(Object.fromEntries(hideableSessionColumns.map((c) => [c.id, view.columns.includes(c.id)])));
      setState({ ...parseListSearch(new URLSearchParams(view.search)), page: 0 });
    },
  };

  const pageRowNames = rows.map((r) => r.clientName);
  const allPageSelected = pageRowNames.length > 0 && pageRowNames.every((n) => current.rows[n]);
  const firstLoad = sessions.isPending;
  const filtered = hasActiveFilters(state);

  return (
    <div className="list-layout">
      <SessionsFilters
        state={state}
        labelOptions={labelOptions}
        // Text filters type fast: replace the history entry instead of adding one per pause.
        onChange={(patch) => setState(withFilters(state, patch), 'search' in patch || 'username' in patch || 'ip' in patch)}
      />

      <div className="list-toolbar">
        <p className="list-summary" aria-live="polite">
          {firstLoad ? 'Loading sessions…' : sessions.isError && !sessions.data ? '' : `${formatCount(total)} ${sessionNoun(total)}${filtered ? ' match the filters' : ''}`}
          {sessions.isFetching && !firstLoad && <span className="refresh-dot" aria-hidden="true" />}
        </p>
        {filtered && (
          <Button variant="ghost" size="sm" onPress={() => setState(clearFilters(state))} className="filters-clear">
            Clear filters
          </Button>
        )}
        <div className="list-toolbar-actions">
          <LiveControl control={live} />
          {viewsMenu?.(currentView)}
          <ColumnChooser
            columns={hideableSessionColumns}
            visible={visibleColumns}
            onChange={(visible) => onColumnVisibilityChange(Object.fromEntries(hideableSessionColumns.map((c) => [c.id, visible.has(c.id)])))}
          />
          <ExportButtons filter={filter} />
        </div>
      </div>

      {canAct && (
        <BulkActions
          selectedNames={selectedNames}
          allMatching={current.allMatching}
          total={total}
          filter={filter}
          onClearSelection={() => setSelection({ scope, rows: {}, allMatching: false })}
        />
      )}

      {canAct && allPageSelected && total > rows.length && (
        <div className="select-all-banner" role="status">
          {current.allMatching ? (
            <>All {formatCount(total)} sessions matching the filter are selected, on every page.</>
          ) : (
            <>
              All {formatCount(rows.length)} sessions on this page are selected.{' '}
              <Button variant="ghost" size="sm" className="btn-link" onPress={() => setSelection({ ...current, allMatching: true })}>
                Select all {formatCount(total)} sessions matching the filter
              </Button>
            </>
          )}
        </div>
      )}

      {sessions.isError && !sessions.data ? (
        <ErrorState title="Could not load sessions" message={errorMessage(sessions.error)} onRetry={() => void sessions.refetch()} />
      ) : (
        <>
          {sessions.isError && (
            <div className="callout callout-warning" role="alert">
              Refreshing failed: {errorMessage(sessions.error)} The rows shown may be out of date.{' '}
              <Button variant="ghost" size="sm" className="btn-link" onPress={() => void sessions.refetch()}>Retry</Button>
            </div>
          )}
          <SessionsTable
            rows={rows}
            total={total}
            pageSize={state.pageSize}
            labelledBy={headingId}
            sorting={sortingFromState(state)}
            onSortingChange={(updater) => setState(withSorting(state, resolve<SortingState>(updater, sortingFromState(state))))}
            rowSelection={current.rows}
            onRowSelectionChange={(updater) => {
              const next = resolve(updater, current.rows);
              setSelection({ scope, rows: next, allMatching: false });
            }}
            allMatching={current.allMatching}
            columnVisibility={canAct ? columnVisibility : { ...columnVisibility, select: false }}
            onColumnVisibilityChange={onColumnVisibilityChange}
            isLoading={firstLoad}
            isFetching={sessions.isFetching}
            empty={
              !firstLoad && rows.length === 0 ? (
                <EmptyState title={filtered ? 'No sessions match these filters' : 'No sessions yet'}>
                  {filtered ? (
                    <Button onPress={() => setState(clearFilters(state))}>Show all sessions</Button>
                  ) : (
                    <p className="muted">Sessions appear when an MQTT client connects or an MQ API session is created.</p>
                  )}
                </EmptyState>
              ) : undefined
            }
          />
        </>
      )}

      {sessions.data && (
        <SessionsPagination
          total={total}
          page={state.page}
          pageSize={state.pageSize}
          onPageChange={(page) => setState({ ...state, page })}
          onPageSizeChange={(pageSize) => setState({ ...state, pageSize, page: 0 })}
        />
      )}
    </div>
  );
}
