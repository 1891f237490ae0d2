import { listMqSessionsParams, type ListMqSessionsParams, type ListMqSessionsResult } from '@mqdash/contracts';
import { toListRow } from '../registry/format.ts';
import type { LabelRow, SessionQuery, Store } from '../store/types.ts';
import { ActionError, defineAction } from './types.ts';

/**
 * The extension label filters as one set of labels: ids as given (an id no label has matches
 * nothing, so a bookmarked view survives a deleted label), labels by group and name, whole groups.
 */
function labelSetOf(p: ListMqSessionsParams, store: Store): SessionQuery['labelSet'] {
  if (p.labelIdFilter.length === 0 && p.labelFilter.length === 0) return undefined;
  const ids = new Set(p.labelIdFilter);
  const groups = new Set<string>();
  for (const item of p.labelFilter) {
    if (item.name === undefined) groups.add(item.group);
    else {
      const label = store.findLabel(item.group, item.name);
      if (label) ids.add(label.id);
    }
  }
  return { ids: [...ids], groups: [...groups] };
}

/** Seed 000 with DESIGN §3's decisions: filters ANDed, values ORed, paging and search extensions. */
export const listMqSessions = defineAction({
  name: 'listMqSessions',
  params: listMqSessionsParams,
  run(p, ctx): ListMqSessionsResult {
    const { store, registry } = ctx.core;
    let labelId = p.labelId;
    if (labelId !== undefined && !store.getLabel(labelId))
      throw new ActionError('unknownLabel', `params.labelId: no label has id ${labelId}`, { property: 'params.labelId', value: labelId });
    if (p.label) {
      const label = store.findLabel(p.label.group, p.label.name);
      if (!label) return { data: [], totalCount: 0 };
      labelId = label.id;
    }
    // "disconnected" covers MQ API sessions never used, which describe reports as disconnected.
    const connectionStatuses = p.connectionStatusFilter.flatMap((s: string) => (s === 'disconnected' ? ['disconnected', 'unknown'] : [s]));
    const { rows, total } = store.listSessions({
      prefix: p.partialClientName,
      connectionStatuses: [...new Set(connectionStatuses)],
      sessionStatuses: [...new Set(p.sessionStatusFilter)],
      sessionTypes: p.sessionTypeFilter,
      healths: p.healthFilter,
      includeUnsetHealthMeasures: p.unsetHealthMeasures,
      labelId,
      searchText: p.searchText,
      usernames: [...new Set(p.usernameFilter)],
      ipFilters: [...new Set(p.ipAddressFilter)],
      protocols: [...new Set(p.mqttProtocolFilter)],
      labelSet: labelSetOf(p, store),
      sort: p.sortDescending ? { key: p.sortDescending, descending: true } : { key: p.sortAscending ?? 'clientName', descending: false },
      skip: p.skipRecords,
      limit: p.maxRecords,
    });
    const labels = new Map<number, LabelRow | undefined>();
    const labelOf = (id: number | null) => {
      if (id === null) return undefined;
      if (!labels.has(id)) labels.set(id, store.getLabel(id));
      return labels.get(id);
    };
    const now = registry.now();
    return { data: rows.map((r) => toListRow(r, registry.liveFor(r), labelOf(r.labelId), now)), totalCount: total };
  },
});
