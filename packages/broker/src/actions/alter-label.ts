import { recordChanges } from './audit-changes.ts';
import { alterLabelParams, type LabelInfo } from '@mqdash/contracts';
import type { LabelRecord } from '../store/label-store.ts';
import type { ActionContext } from './types.ts';
import { labelInfo } from './label-info.ts';
import { ActionError, defineAction } from './types.ts';

/** The label a request names by id, or by name within group (default ""); unknownLabel when there is none. */
export function namedLabel(p: { id?: number; group?: string; name?: string }, ctx: ActionContext): LabelRecord | undefined {
  return p.id !== undefined ? ctx.core.labels.get(p.id) : ctx.core.labels.find(p.group ?? '', p.name!);
}

export const labelNotFound = (p: { id?: number; group?: string; name?: string }): ActionError =>
  p.id !== undefined
    ? new ActionError('unknownLabel', `params.id: no label has id ${p.id}`, { property: 'params.id', value: p.id })
    : new ActionError('unknownLabel', `params.name: no label "${p.name}" in group "${p.group ?? ''}"`, { property: 'params.name', value: p.name });

/**
 * FairCom's alterLabel: changes only the properties given; newGroup / newName rename it (the new
 * group + name must be free). Sessions keep the label (they refer to its id) and are announced on
 * the live feed with the new name.
 */
export const alterLabel = defineAction({
  name: 'alterLabel',
  params: alterLabelParams,
  audit: (p, raw) => (p ? `label:${p.id ?? `${p.group ?? ''}/${p.name}`}` : typeof raw.name === 'string' ? `label:${raw.name}` : null),
  run(p, ctx): LabelInfo {
    const { labels, registry, store } = ctx.core;
    const label = namedLabel(p, ctx);
    if (!label) throw labelNotFound(p);
    const group = p.newGroup ?? label.group;
    const name = p.newName ?? label.name;
    if (group !== label.group || name !== label.name) {
      const other = labels.find(group, name);
      if (other && other.id !== label.id)
        throw new ActionError('nameInUse', `params.${p.newName !== undefined ? 'newName' : 'newGroup'}: a label "${name}" already exists in group "${group}"`,
          { property: `params.${p.newName !== undefined ? 'newName' : 'newGroup'}`, value: name });
    }
    const renamed = group !== label.group || name !== label.name;
    const altered = store.transaction(() => labels.alter(label.id, {
      ...(renamed ? { group, name } : {}),
      value: p.value, enum: p.enum, sequence: p.sequence, deprecated: p.deprecated, description: p.description, metadata: p.metadata,
    }, registry.now()));
    if (renamed) for (const clientName of labels.sessionsWith(label.id)) registry.emit('change', clientName);
    recordChanges(ctx, labelInfo(label), labelInfo(altered), { ignore: ['createdDateTime', 'updatedDateTime', 'sessionCount'] });
    return labelInfo(altered);
  },
});
