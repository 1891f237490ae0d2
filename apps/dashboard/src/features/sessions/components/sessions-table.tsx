import type { SessionListRow } from '@mqdash/contracts';
import { memo, type ReactNode } from 'react';
import { flexRender, type OnChangeFn, type Row, type RowSelectionState, type SortingState, type VisibilityState } from '@tanstack/react-table';
import { Button } from '../../../components/ui/button';
import { SortAsc, SortDesc, SortNone } from '../../../components/ui/icons';
import { useAppTable } from '../../../lib/table';
import { useRowFlash } from '../lib/row-flash';
import { sessionColumnWidths } from './column-widths';
import { sessionColumns } from './sessions-columns';

export interface SessionsTableProps {
  rows: SessionListRow[];
  total: number;
  pageSize: number;
  sorting: SortingState;
  onSortingChange: OnChangeFn<SortingState>;
  rowSelection: RowSelectionState;
  onRowSelectionChange: OnChangeFn<RowSelectionState>;
  allMatching: boolean;
  columnVisibility: VisibilityState;
  onColumnVisibilityChange: OnChangeFn<VisibilityState>;
  /** No data yet: skeleton rows. */
  isLoading: boolean;
  /** A newer page or filter is loading over the shown rows. */
  isFetching: boolean;
  labelledBy: string;
  /** Shown inside the grid's frame when there are no rows. */
  empty?: ReactNode;
}

const SKELETON_ROWS = 8;

/** The sessions grid: the server sorts and pages; rows are keyed by clientName. */
export function SessionsTable(props: SessionsTableProps) {
  const table = useAppTable({
    data: props.rows,
    columns: sessionColumns,
    getRowId: (row) => row.clientName,
    rowCount: props.total,
    state: {
      sorting: props.sorting,
      rowSelection: props.rowSelection,
      columnVisibility: props.columnVisibility,
      columnSizing: sessionColumnWidths,
      pagination: { pageIndex: 0, pageSize: props.pageSize },
    },
    meta: { allMatching: props.allMatching },
    onSortingChange: props.onSortingChange,
    onRowSelectionChange: props.onRowSelectionChange,
    onColumnVisibilityChange: props.onColumnVisibilityChange,
    enableRowSelection: true,
  });
  const visibleColumns = table.getVisibleLeafColumns();
  const columnsKey = visibleColumns.map((c) => c.id).join(',');
  // Rows the live feed just changed are highlighted for a moment (styles/table.css).
  const flashOf = useRowFlash();

  return (
    // Its own scroll box (both ways on a phone, issue 13), reachable by Tab so arrow keys scroll it.
    <div className={`table-scroll ${props.isFetching && !props.isLoading ? 'is-refreshing' : ''}`} role="region" aria-label="Sessions table" tabIndex={0}>
      {/* Without the selection column (a viewer's table), the client name sticks at the left edge. */}
      <table
        className={`data-table fixed-widths${table.getColumn('select')?.getIsVisible() === false ? ' no-select' : ''}`}
        style={{ width: `max(100%, ${table.getTotalSize()}px)` }}
        aria-labelledby={props.labelledBy}
        aria-busy={props.isLoading || props.isFetching}
      >
        {/* Issue 13: widths come from the columns, never from the data (column-widths.ts). */}
        <colgroup>
          {visibleColumns.map((col) => (
            <col key={col.id} style={{ width: col.getSize() }} />
          ))}
        </colgroup>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const meta = header.column.columnDef.meta;
                const sorted = header.column.getIsSorted();
                const className = [meta?.className, meta?.numeric ? 'num' : ''].filter(Boolean).join(' ') || undefined;
                if (!header.column.getCanSort())
                  return (
                    <th key={header.id} scope="col" className={className}>
                      {flexRender(header.column.columnDef.header, header.getContext())}
                    </th>
                  );
                return (
                  <th key={header.id} scope="col" className={className} aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}>
                    <Button variant="ghost" size="sm" className={`sort-button ${sorted ? 'is-sorted' : ''}`} onPress={() => header.column.toggleSorting()}>
                      {flexRender(header.column.columnDef.header, header.getContext())}
                      <span className="sort-icon">{sorted === 'asc' ? <SortAsc /> : sorted === 'desc' ? <SortDesc /> : <SortNone />}</span>
                      <span className="sr-only">{sorted ? `, sorted ${sorted === 'asc' ? 'ascending' : 'descending'}` : ', sortable'}</span>
                    </Button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {props.isLoading
            ? Array.from({ length: SKELETON_ROWS }, (_, i) => (
                <tr key={i} className="skeleton-row" aria-hidden="true">
                  {visibleColumns.map((col) => (
                    <td key={col.id} className={col.columnDef.meta?.className}>
                      <span className="skeleton" />
                    </td>
                  ))}
                </tr>
              ))
            : table.getRowModel().rows.map((row) => (
                <SessionRow
                  key={row.id}
                  row={row}
                  original={row.original}
                  selected={props.allMatching || row.getIsSelected()}
                  flash={flashOf(row.id)}
                  columnsKey={columnsKey}
                />
              ))}
        </tbody>
      </table>
      {props.empty && <div className="table-empty">{props.empty}</div>}
    </div>
  );
}

interface SessionRowProps {
  row: Row<SessionListRow>;
  /** The row's data: a live-feed patch replaces the object of a changed row only. */
  original: SessionListRow;
  selected: boolean;
  flash: string | undefined;
  /** The visible columns, in order. */
  columnsKey: string;
}

/**
 * One table row, rendered again only when its data, selection, highlight or the visible columns
 * change: a feed message that changes a few sessions, or a filter change showing the old page until
 * the new one arrives, does not re-render every row (issue 4: no long frames under many changes).
 */
const SessionRow = memo(
  function SessionRow({ row, selected, flash }: SessionRowProps) {
    return (
      <tr className={[selected ? 'is-selected' : '', flash ?? ''].filter(Boolean).join(' ') || undefined}>
        {row.getVisibleCells().map((cell) => {
          const meta = cell.column.columnDef.meta;
          const className = [meta?.className, meta?.numeric ? 'num' : ''].filter(Boolean).join(' ') || undefined;
          return (
            <td key={cell.id} className={className}>
              {flexRender(cell.column.columnDef.cell, cell.getContext())}
            </td>
          );
        })}
      </tr>
    );
  },
  (a, b) => a.original === b.original && a.selected === b.selected && a.flash === b.flash && a.columnsKey === b.columnsKey,
);
