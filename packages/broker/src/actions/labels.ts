import { createLabelParams, listLabelGroupsParams, listLabelsParams, type LabelInfo } from '@mqdash/contracts';
import { iso } from '../registry/format.ts';
import type { LabelRow } from '../store/types.ts';
import { ActionError, defineAction } from './types.ts';

const info = (l: LabelRow, sessionCount = 0): LabelInfo => ({
  id: l.id, group: l.group, name: l.name, description: l.description, metadata: l.metadata,
  createdDateTime: iso(l.createdAt)!, sessionCount,
});

/** createLabel: group + name must be new (FairCom returns an error for a duplicate). */
export const createLabel = defineAction({
  name: 'createLabel',
  params: createLabelParams,
  audit: (p) => (p ? `label:${p.group}/${p.name}` : null),
  run(p, ctx): LabelInfo {
    const { store, registry } = ctx.core;
    if (store.findLabel(p.group, p.name))
      throw new ActionError('nameInUse', `params.name: a label "${p.name}" already exists in group "${p.group}"`, { property: 'params.name', value: p.name });
    return info(store.createLabel({ group: p.group, name: p.name, description: p.description, metadata: p.metadata, createdAt: registry.now() }));
  },
});

export const listLabels = defineAction({
  name: 'listLabels',
  params: listLabelsParams,
  run(p, ctx) {
    const { rows, total } = ctx.core.store.listLabels({
      groups: p.groupFilter, groupPrefix: p.partialGroupFilter, namePrefix: p.partialName, skip: p.skipRecords, limit: p.maxRecords,
    });
    return { data: rows.map((r) => info(r, r.sessionCount)), totalCount: total };
  },
});

export const listLabelGroups = defineAction({
  name: 'listLabelGroups',
  params: listLabelGroupsParams,
  run(p, ctx) {
    return { data: ctx.core.store.labelGroups(p.partialGroupFilter) };
  },
});
