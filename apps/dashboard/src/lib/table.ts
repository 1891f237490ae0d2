import { getCoreRowModel, useReactTable, type RowData, type TableOptions } from '@tanstack/react-table';

/**
 * The app's one table hook (STYLE #10): the server sorts, filters and pages (STYLE #9), so the
 * manual modes are always on and the only row model is the core one.
 */
export function useAppTable<TData extends RowData>(options: Omit<TableOptions<TData>, 'getCoreRowModel'>) {
  // TanStack Table v8 hands back one mutable instance; the React Compiler leaves this hook alone.
  // eslint-disable-next-line react-hooks/incompatible-library
  return useReactTable<TData>({
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    getCoreRowModel: getCoreRowModel(),
    ...options,
  });
}

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Column chooser and header text when the header is not a plain string. */
    label?: string;
    /** Right-align numbers. */
    numeric?: boolean;
    /** CSS class on th and td, e.g. a fixed width. */
    className?: string;
  }
}
