import type { LabelInfo } from '@mqdash/contracts';
import { useCan } from '../../../lib/permissions';
import { labelColor } from '../lib/label-color';
import { useCreateLabel } from './create-label';
import { useLabels } from './list-labels';

/**
 * The labels a session form offers (issue 13), in the shape the sessions feature's label picker
 * takes (routes hand it over, STYLE #6): every label with its colour, and, for operators, how to
 * create a new one explicitly.
 */
export function useLabelChoices(): {
  choices: Array<{ group: string; name: string; color?: string; deprecated: boolean }>;
  onCreate?: (label: { group: string; name: string }) => Promise<LabelInfo>;
} {
  const labels = useLabels();
  const create = useCreateLabel();
  const canCreate = useCan('operator');
  const choices = (labels.data ?? []).map((l) => {
    const color = labelColor(l);
    return { group: l.group, name: l.name, deprecated: l.deprecated, ...(color ? { color } : {}) };
  });
  return canCreate ? { choices, onCreate: (label) => create.mutateAsync(label) } : { choices };
}
