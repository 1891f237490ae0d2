import { createLabelParams, type LabelInfo } from '@mqdash/contracts';
import { labelInfo } from './label-info.ts';
import { ActionError, defineAction } from './types.ts';

/**
 * FairCom's createLabel: group + name must be new (its natural key); value, enum, sequence,
 * deprecated, description and metadata are stored and returned (metadata.color, when given, is the
 * colour the dashboard paints the label with).
 */
export const createLabel = defineAction({
  name: 'createLabel',
  params: createLabelParams,
  audit: (p) => (p ? `label:${p.group}/${p.name}` : null),
  run(p, ctx): LabelInfo {
    const { labels, registry } = ctx.core;
    if (labels.find(p.group, p.name))
      throw new ActionError('nameInUse', `params.name: a label "${p.name}" already exists in group "${p.group}"`, { property: 'params.name', value: p.name });
    return labelInfo(labels.create({
      group: p.group, name: p.name, value: p.value ?? null, enum: p.enum ?? 0, sequence: p.sequence ?? 0, deprecated: p.deprecated,
      description: p.description, metadata: p.metadata, createdAt: registry.now(),
    }));
  },
});
