import { listLabelGroupsParams, type ListLabelGroupsResult } from '@mqdash/contracts';
import { defineAction } from './types.ts';

/** FairCom's listLabelGroups: the groups in use (result.groups), those starting with partialGroupFilter. */
export const listLabelGroups = defineAction({
  name: 'listLabelGroups',
  params: listLabelGroupsParams,
  run(p, ctx): ListLabelGroupsResult {
    return { groups: ctx.core.labels.groups(p.partialGroupFilter) };
  },
});
