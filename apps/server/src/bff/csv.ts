import { stringify } from 'csv-stringify/sync';
import type { SessionListRow } from '@mqdash/contracts';

/** The export's columns, in the table's order. */
const columns: Array<[string, (r: SessionListRow) => unknown]> = [
  ['clientName', (r) => r.clientName],
  ['sessionType', (r) => r.sessionType],
  ['connectionStatus', (r) => r.connectionStatus],
  ['sessionStatus', (r) => r.sessionStatus],
  ['sessionHealth', (r) => r.sessionHealth],
  ['unhealthyReason', (r) => r.unhealthyReason ?? ''],
  ['ipaddress', (r) => r.ipaddress ?? ''],
  ['port', (r) => r.port ?? ''],
  ['mqttProtocol', (r) => r.mqttProtocol ?? ''],
  ['username', (r) => r.username ?? ''],
  ['lastConnectDateTime', (r) => r.lastConnectDateTime ?? ''],
  ['lastDisconnectDateTime', (r) => r.lastDisconnectDateTime ?? ''],
  ['subscribedTopicFiltersCount', (r) => r.subscribedTopicFiltersCount],
  ['publishRatePerMinute', (r) => r.publishRatePerMinute],
  ['receiveMessagesPerMinute', (r) => r.receiveMessagesPerMinute],
  ['currentDeliveryBacklogged', (r) => r.currentDeliveryBacklogged],
  ['labelGroup', (r) => r.label?.group ?? ''],
  ['labelName', (r) => r.label?.name ?? ''],
];

/** CSV (RFC 4180) of session rows. Cells starting with = + - @ are quoted with a ' so spreadsheets do not run them. */
export function sessionsCsv(rows: SessionListRow[]): string {
  const safe = (v: unknown) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  return stringify([columns.map(([h]) => h), ...rows.map((r) => columns.map(([, get]) => safe(get(r))))]);
}
