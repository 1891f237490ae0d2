import { listLabelsParams } from '@mqdash/contracts';
import { labelInfo } from './label-info.ts';
import { defineAction } from './types.ts';

/**
 * FairCom's listLabels: every filter, AND-combined; the values of one filter OR-combined; idFilter
 * alone. description and metadata only with includeDescription / includeMetadata. Ordered by
 * group, sequence, name; mqdash's skipRecords / maxRecords page it, totalCount counts all.
 */
export const listLabels = defineAction({
  name: 'listLabels',
  params: listLabelsParams,
  run(p, ctx) {
    const { rows, total } = ctx.core.labels.list({
      ids: p.idFilter, groups: p.groupFilter, groupPrefix: p.partialGroupFilter, names: p.nameFilter,
      namePrefix: p.partialNameFilter ?? p.partialName, enums: p.enumFilter, sequences: p.sequenceFilter,
      deprecated: p.deprecatedFilter, skip: p.skipRecords, limit: p.maxRecords,
    });
    const include = { description: p.includeDescription, metadata: p.includeMetadata };
    return { data: rows.map((r) => labelInfo(r, include)), totalCount: total };
  },
});
