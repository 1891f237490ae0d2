import type { LabelInfo } from '@mqdash/contracts';

/** Labels by group, in the order listLabels gives them (group, sequence, name); the empty group first. */
export function groupLabels(labels: readonly LabelInfo[]): Array<{ group: string; labels: LabelInfo[] }> {
  const byGroup = new Map<string, LabelInfo[]>();
  for (const l of labels) {
    const list = byGroup.get(l.group);
    if (list) list.push(l);
    else byGroup.set(l.group, [l]);
  }
  return [...byGroup].map(([group, rows]) => ({ group, labels: rows }));
}
