import { createLabelParams, type LabelInfo } from '@mqdash/contracts';
import { useState, type FormEvent } from 'react';
import { FormDialog } from '../../../components/ui/dialog';
import { TextInputField } from '../../../components/ui/fields';
import { serverFieldError, zodFieldErrors, type FieldErrors } from '../../../lib/form-errors';
import { toast } from '../../../lib/toast';
import { useAlterLabel } from '../api/alter-label';
import { useCreateLabel } from '../api/create-label';
import { labelText } from '../api/list-labels';
import { DEFAULT_LABEL_COLOR, labelColor, withColor } from '../lib/label-color';
import { LabelColorPicker } from './label-color-picker';

export interface LabelFormDialogProps {
  isOpen: boolean;
  onClose: () => void;
  /** The label to rename and recolour; none: a new one. */
  label?: LabelInfo | null;
  onSaved?: (label: LabelInfo) => void;
}

/** Create a label, or rename and recolour one: group, name, colour (metadata.color), description. */
export function LabelFormDialog({ isOpen, onClose, label, onSaved }: LabelFormDialogProps) {
  // Mounted per opening (the caller renders it only while open), so it starts from the label as it is.
  const [group, setGroup] = useState(label?.group ?? '');
  const [name, setName] = useState(label?.name ?? '');
  const [color, setColor] = useState((label && labelColor(label)) ?? DEFAULT_LABEL_COLOR);
  const [description, setDescription] = useState(label?.description ?? '');
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useCreateLabel();
  const alter = useAlterLabel();

  const saved = (l: LabelInfo, verb: string) => {
    toast.success(`Label ${verb}`, labelText(l));
    onSaved?.(l);
    onClose();
  };
  const failed = (error: unknown) => {
    const f = serverFieldError(error);
    if (f) setErrors({ [f.field.replace(/^new([A-Z])/, (_m, c: string) => c.toLowerCase())]: f.message });
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending || alter.isPending) return;
    const parsed = createLabelParams.safeParse({ group, name, description, metadata: withColor(label?.metadata, color) });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setErrors({});
    if (!label) {
      create.mutate(parsed.data, { onSuccess: (l) => saved(l, 'created'), onError: failed });
      return;
    }
    alter.mutate(
      {
        id: label.id,
        ...(group !== label.group ? { newGroup: group } : {}),
        ...(name !== label.name ? { newName: name } : {}),
        ...(description !== (label.description ?? '') ? { description } : {}),
        ...(color !== labelColor(label) ? { metadata: parsed.data.metadata } : {}),
      },
      { onSuccess: (l) => saved(l, 'saved'), onError: failed },
    );
  };

  return (
    <FormDialog
      isOpen={isOpen}
      onClose={onClose}
      title={label ? `Edit label ${labelText(label)}` : 'Create label'}
      submitLabel={label ? 'Save label' : 'Create label'}
      onSubmit={submit}
      isPending={create.isPending || alter.isPending}
    >
      <TextInputField label="Group" value={group} onChange={setGroup} error={errors.group} description="Optional, e.g. energy or site/north. Labels are unique by group and name." />
      <TextInputField label="Name" value={name} onChange={setName} error={errors.name} isRequired autoFocus />
      <LabelColorPicker value={color} onChange={setColor} />
      <TextInputField label="Description" value={description} onChange={setDescription} error={errors.description} />
    </FormDialog>
  );
}
