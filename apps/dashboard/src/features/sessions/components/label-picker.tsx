import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { ComboBoxField, type ComboOption } from '../../../components/ui/combobox';
import { parseLabelText, textOf, type LabelRef } from '../lib/label-text';

export type { LabelRef };

/** A label a session may carry, as the route hands it over from the labels feature. */
export interface LabelChoice {
  group: string;
  name: string;
  color?: string;
  deprecated: boolean;
}


/** Creates a label (the route's labels feature); resolves once it exists. */
export type CreateLabel = (label: LabelRef) => Promise<unknown>;

/** What a session form needs to pick labels: the existing ones, and how to create one (operators). */
export interface LabelSource {
  choices: readonly LabelChoice[];
  onCreate?: CreateLabel;
}

const keyOf = (l: LabelRef) => `${l.group}\u0000${l.name}`;

const NONE = '';

/**
 * The session's label (issue 13): chosen from the existing labels in a combobox; deprecated ones
 * are not offered (unless the session carries one). A label that does not exist is created only
 * explicitly: the "Create label …" option asks to confirm first, then creates and chooses it.
 */
export function LabelPicker({ choices, value, onChange, onCreate, error }: {
  choices: readonly LabelChoice[];
  value: LabelRef | null;
  onChange: (label: LabelRef | null) => void;
  onCreate?: CreateLabel;
  error?: string;
}) {
  const [pending, setPending] = useState<LabelRef | null>(null);
  const [creating, setCreating] = useState(false);
  const offered = choices.filter((c) => !c.deprecated || (value && keyOf(c) === keyOf(value)));
  if (value && !offered.some((c) => keyOf(c) === keyOf(value))) offered.push({ ...value, deprecated: false });
  const options: ComboOption[] = [
    { id: NONE, label: 'No label', clears: true },
    ...offered.map((c) => ({
      id: keyOf(c), label: textOf(c), ...(c.deprecated ? { note: 'deprecated' } : {}),
      prefix: <span className="label-swatch" style={c.color ? { backgroundColor: c.color } : undefined} aria-hidden="true" />,
    })),
  ];

  const confirmCreate = async () => {
    if (!pending || !onCreate) return;
    setCreating(true);
    try {
      await onCreate(pending);
      onChange(pending);
      setPending(null);
    } finally {
      setCreating(false);
    }
  };

  return (
    <div className="label-picker">
      <ComboBoxField
        label="Label"
        options={options}
        value={value ? keyOf(value) : null}
        onChange={(id) => onChange(id === null ? null : offered.find((c) => keyOf(c) === id) ?? null)}
        placeholder="No label"
        {...(onCreate ? { onCreate: (text: string) => setPending(parseLabelText(text)), createText: (text: string) => `Create label “${text}” …` } : {})}
        description="Type to find a label; group and name read “group / name”."
        error={error}
      />
      {pending && (
        <div role="group" aria-label="Confirm the new label" className="label-create-confirm">
          <p>
            Create the new label <strong>{pending.name}</strong>{pending.group ? <> in group <strong>{pending.group}</strong></> : ' (no group)'}? Check the spelling: every session that should share it must use the same one.
          </p>
          <div className="label-create-actions">
            <Button size="sm" variant="primary" onPress={() => void confirmCreate()} isPending={creating} autoFocus>Create label</Button>
            <Button size="sm" variant="ghost" onPress={() => setPending(null)}>Cancel</Button>
          </div>
        </div>
      )}
    </div>
  );
}
