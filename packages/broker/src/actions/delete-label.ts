import { deleteLabelParams, type DeleteLabelResult } from '@mqdash/contracts';
import { labelNotFound, namedLabel } from './alter-label.ts';
import { labelInfo } from './label-info.ts';
import { defineAction, warn } from './types.ts';

/**
 * FairCom's deleteLabel: removes the label; the sessions that carried it carry none afterwards
 * (and are announced on the live feed). A label that does not exist is not an error, as FairCom's
 * label pages say of deletes: the answer says so in a warning.
 */
export const deleteLabel = defineAction({
  name: 'deleteLabel',
  params: deleteLabelParams,
  audit: (p, raw) => (p ? `label:${p.id ?? `${p.group ?? ''}/${p.name}`}` : typeof raw.name === 'string' ? `label:${raw.name}` : null),
  run(p, ctx): DeleteLabelResult {
    const { labels, registry, store } = ctx.core;
    const label = namedLabel(p, ctx);
    if (!label) {
      warn(ctx, 'unknownLabel', labelNotFound(p).message + '; nothing was deleted');
      return { deleted: false, sessionsUnlabeled: 0 };
    }
    const carriers = labels.sessionsWith(label.id);
    store.transaction(() => labels.delete(label.id));
    for (const clientName of carriers) registry.emit('change', clientName);
    return { label: labelInfo(label), deleted: true, sessionsUnlabeled: carriers.length };
  },
});
