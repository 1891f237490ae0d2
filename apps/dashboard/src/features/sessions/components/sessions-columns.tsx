import type { SessionListRow } from '@mqdash/contracts';
import { createColumnHelper, type RowData } from '@tanstack/react-table';
import { Link } from 'react-router';
import { CheckboxField } from '../../../components/ui/fields';
import { formatCount, formatDateTime, formatRate, formatShortDateTime } from '../../../lib/format';
import { typeText } from '../lib/display';
import { sessionHref } from '../lib/paths';
import { HealthReasonText } from './health-reason';
import { MqApiState } from './mq-api-state';
import { ConnectionBadge, HealthBadge, StatusBadge } from './session-badges';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface TableMeta<TData extends RowData> {
    /** "Select all N matching the filter" is on: every row counts as selected. */
    allMatching?: boolean;
  }
}

/**
 * The sessions table's columns (STYLE #10). Ids of sortable columns are the BFF's sort keys
 * (clientName, ipAddress, lastConnect, lastDisconnect); the others cannot be sorted.
 */
const column = createColumnHelper<SessionListRow>();

function DateCell({ value }: { value: string | undefined }) {
  return value ? <time dateTime={value} title={formatDateTime(value)}>{formatShortDateTime(value)}</time> : <span className="muted">—</span>;
}

export const sessionColumns = [
  column.display({
    id: 'select',
    enableHiding: false,
    enableSorting: false,
    meta: { label: 'Selection', className: 'col-select sticky-col' },
    header: ({ table }) => (
      <CheckboxField
        ariaLabel="Select all"
        isSelected={table.options.meta?.allMatching || table.getIsAllPageRowsSelected()}
        isIndeterminate={!table.options.meta?.allMatching && table.getIsSomePageRowsSelected()}
        isDisabled={table.getRowModel().rows.length === 0}
        onChange={(selected) => table.toggleAllPageRowsSelected(selected)}
      />
    ),
    cell: ({ row, table }) => (
      <CheckboxField
        ariaLabel={`Select ${row.original.clientName}`}
        isSelected={table.options.meta?.allMatching || row.getIsSelected()}
        onChange={(selected) => row.toggleSelected(selected)}
      />
    ),
  }),
  column.accessor('clientName', {
    id: 'clientName',
    header: 'Client name',
    enableHiding: false,
    meta: { label: 'Client name', className: 'col-name sticky-col sticky-col-2' },
    cell: ({ getValue }) => (
      <Link to={sessionHref(getValue())} className="cell-link mono">
        {getValue() || '(empty name)'}
      </Link>
    ),
  }),
  column.accessor('sessionType', {
    header: 'Type',
    enableSorting: false,
    meta: { label: 'Type' },
    cell: ({ getValue }) => typeText[getValue()],
  }),
  column.accessor('connectionStatus', {
    header: 'Connection',
    enableSorting: false,
    meta: { label: 'Connection' },
    // An MQ API session has no connection: Active or Idle, when it was last used and its backlog.
    cell: ({ row, getValue }) => (row.original.sessionType === 'mqApi'
      ? <MqApiState session={row.original} backlog={row.original.currentDeliveryBacklogged} />
      : <ConnectionBadge status={getValue()} />),
  }),
  column.accessor('sessionStatus', {
    header: 'Status',
    enableSorting: false,
    meta: { label: 'Session status' },
    cell: ({ getValue }) => <StatusBadge status={getValue()} />,
  }),
  column.accessor('sessionHealth', {
    header: 'Health',
    enableSorting: false,
    meta: { label: 'Health' },
    cell: ({ row, getValue }) => <HealthBadge health={getValue()} mqApi={row.original.sessionType === 'mqApi'} />,
  }),
  column.accessor('unhealthyReason', {
    id: 'reason',
    header: 'Reason',
    enableSorting: false,
    meta: { label: 'Reason', className: 'col-reason' },
    cell: ({ row }) =>
      row.original.sessionHealth === 'unhealthy' ? (
        <HealthReasonText detail={row.original.unhealthyReasonDetail} fallback={row.original.unhealthyReason} />
      ) : (
        <span className="muted">—</span>
      ),
  }),
  column.accessor((row) => (row.ipaddress ? `${row.ipaddress}${row.port ? `:${row.port}` : ''}` : ''), {
    id: 'ipAddress',
    header: 'IP and port',
    meta: { label: 'IP and port', className: 'mono' },
    cell: ({ getValue }) => getValue() || <span className="muted">—</span>,
  }),
  column.accessor('mqttProtocol', {
    header: 'Protocol',
    enableSorting: false,
    meta: { label: 'Protocol' },
    cell: ({ getValue }) => getValue() ?? <span className="muted">—</span>,
  }),
  column.accessor('lastConnectDateTime', {
    id: 'lastConnect',
    header: 'Last connect',
    sortDescFirst: true,
    meta: { label: 'Last connect', className: 'nowrap' },
    cell: ({ getValue }) => <DateCell value={getValue()} />,
  }),
  column.accessor('lastDisconnectDateTime', {
    id: 'lastDisconnect',
    header: 'Last disconnect',
    sortDescFirst: true,
    meta: { label: 'Last disconnect', className: 'nowrap' },
    cell: ({ getValue }) => <DateCell value={getValue()} />,
  }),
  column.accessor('subscribedTopicFiltersCount', {
    id: 'subscriptions',
    header: () => <abbr title="Subscribed topic filters">Subs</abbr>,
    enableSorting: false,
    meta: { label: 'Subscriptions', numeric: true },
    cell: ({ getValue }) => formatCount(getValue()),
  }),
  column.accessor('publishRatePerMinute', {
    id: 'publishRate',
    header: 'Publish/min',
    enableSorting: false,
    meta: { label: 'Publish rate', numeric: true },
    cell: ({ getValue }) => formatRate(getValue()),
  }),
  column.accessor('receiveMessagesPerMinute', {
    id: 'receiveRate',
    header: 'Receive/min',
    enableSorting: false,
    meta: { label: 'Receive rate', numeric: true },
    cell: ({ getValue }) => formatRate(getValue()),
  }),
  column.accessor('currentDeliveryBacklogged', {
    id: 'backlog',
    header: 'Backlog',
    enableSorting: false,
    meta: { label: 'Backlog', numeric: true },
    cell: ({ getValue }) => formatCount(getValue()),
  }),
  column.accessor((row) => (row.label ? (row.label.group ? `${row.label.group} / ${row.label.name}` : row.label.name) : ''), {
    id: 'label',
    header: 'Label',
    enableSorting: false,
    meta: { label: 'Label' },
    cell: ({ getValue }) => (getValue() ? <span className="tag">{getValue()}</span> : <span className="muted">—</span>),
  }),
];

/** Shown unless the user chose otherwise in the column chooser; the Label column once labels exist (issue 13). */
export const defaultColumnVisibility = (labelsExist: boolean): Record<string, boolean> => ({ label: labelsExist });

/** The columns a user may hide, for the column chooser. */
export const hideableSessionColumns = sessionColumns
  .filter((def) => def.enableHiding !== false)
  .map((def) => {
    const id = def.id ?? ('accessorKey' in def ? String(def.accessorKey) : '');
    return { id, label: def.meta?.label ?? id };
  });
