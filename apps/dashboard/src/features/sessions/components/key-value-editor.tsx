import type { KeyValue } from '@mqdash/contracts';
import { Button } from '../../../components/ui/button';
import { TextInputField } from '../../../components/ui/fields';
import { Plus, Trash } from '../../../components/ui/icons';
import type { FieldErrors } from '../../../lib/form-errors';

export interface KeyValueEditorProps {
  /** "User property" or "Will user property": names every control. */
  noun: string;
  /** Property path for errors, e.g. `userProperties` → `userProperties.0.key`. */
  name: string;
  value: KeyValue[];
  onChange: (value: KeyValue[]) => void;
  errors: FieldErrors;
}

/** Rows of key and value with add and remove (seed 002: keys 1 to 128 bytes, at most 1000 pairs). */
export function KeyValueEditor({ noun, name, value, onChange, errors }: KeyValueEditorProps) {
  const update = (index: number, patch: Partial<KeyValue>) => onChange(value.map((kv, i) => (i === index ? { ...kv, ...patch } : kv)));
  return (
    <div className="kv-editor">
      {value.length === 0 && <p className="muted small">None.</p>}
      {value.map((kv, index) => (
        <div className="kv-row" key={index}>
          <TextInputField label={`${noun} ${index + 1} key`} value={kv.key} onChange={(key) => update(index, { key })} error={errors[`${name}.${index}.key`]} />
          <TextInputField label={`${noun} ${index + 1} value`} value={kv.value} onChange={(v) => update(index, { value: v })} error={errors[`${name}.${index}.value`]} />
          <Button variant="ghost" size="sm" className="btn-icon kv-remove" aria-label={`Remove ${noun.toLowerCase()} ${index + 1}`} onPress={() => onChange(value.filter((_, i) => i !== index))}>
            <Trash />
          </Button>
        </div>
      ))}
      {errors[name] && <p className="field-error" role="alert">{errors[name]}</p>}
      <div>
        <Button size="sm" variant="ghost" onPress={() => onChange([...value, { key: '', value: '' }])}>
          <Plus /> Add {noun.toLowerCase()}
        </Button>
      </div>
    </div>
  );
}
