import type { LabelInfo } from '@mqdash/contracts';
import { iso } from '../registry/format.ts';
import type { LabelRecord } from '../store/label-store.ts';

/** A label as the label actions answer it; listLabels leaves description and metadata out unless asked. */
export function labelInfo(l: LabelRecord, include = { description: true, metadata: true }): LabelInfo {
  return {
    id: l.id, group: l.group, name: l.name, value: l.value, enum: l.enum, sequence: l.sequence, deprecated: l.deprecated,
    ...(include.description ? { description: l.description } : {}),
    ...(include.metadata ? { metadata: l.metadata } : {}),
    createdDateTime: iso(l.createdAt)!,
    ...(l.updatedAt !== null ? { updatedDateTime: iso(l.updatedAt) } : {}),
    sessionCount: l.sessionCount,
  };
}
