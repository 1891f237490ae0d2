import type { SessionsQuery } from '@mqdash/contracts';

const allStatuses = ['normal', 'hidden', 'banned', 'inactive'];

/** The dashboard's list query as listMqSessions params (DESIGN §3 semantics of each filter). */
export function listParams(q: SessionsQuery, page: { skip: number; max: number }): Record<string, unknown> {
  let statuses: string[] = q.status;
  // "Show hidden" adds hidden sessions to whatever statuses are chosen (all, when none are).
  if (q.showHidden) statuses = [...new Set([...(statuses.length ? statuses : allStatuses), 'hidden'])];
  return {
    partialClientName: q.prefix,
    connectionStatusFilter: q.connection,
    sessionStatusFilter: statuses,
    sessionTypeFilter: q.type,
    healthFilter: q.health,
    unsetHealthMeasures: q.unsetHealthMeasures,
    ...(q.labelId !== undefined ? { labelId: q.labelId } : {}),
    searchText: q.q,
    usernameFilter: q.username,
    ipAddressFilter: q.ip,
    mqttProtocolFilter: q.protocol,
    labelIdFilter: q.labelIds,
    labelFilter: q.labelGroup.map((group) => ({ group })),
    [q.dir === 'desc' ? 'sortDescending' : 'sortAscending']: q.sort,
    skipRecords: page.skip,
    maxRecords: page.max,
  };
}
