import { listMqSessionsParams, type ListMqSessionsResult } from '@mqdash/contracts';
import { toListRow } from '../registry/format.ts';
import type { LabelRow } from '../store/types.ts';
import { ActionError, defineAction } from './types.ts';

/** Seed 000 with DESIGN §3's decisions: filters ANDed, values ORed, paging extension. */
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
