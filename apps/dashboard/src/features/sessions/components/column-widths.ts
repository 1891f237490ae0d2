import type { ColumnSizingState } from '@tanstack/react-table';

/**
 * Issue 13: the sessions table's columns have fixed widths (px, TanStack Table's column sizing),
 * so a live change of the data never widens or narrows a column under the pointer. Text longer
 * than its column is cut with an ellipsis and shown whole in the row's detail. On a wide screen
 * the table still fills the width, shared out in these proportions.
 */
export const sessionColumnWidths: ColumnSizingState = {
  select: 40,
  clientName: 240,
  sessionType: 90,
  connectionStatus: 130,
  sessionStatus: 100,
  sessionHealth: 110,
  reason: 280,
  ipAddress: 170,
  mqttProtocol: 90,
  lastConnect: 150,
  lastDisconnect: 150,
  subscriptions: 70,
  publishRate: 110,
  receiveRate: 110,
  backlog: 90,
  label: 160,
};
