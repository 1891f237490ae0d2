import { useId, useState } from 'react';
import { copyText } from '../../lib/clipboard';
import { toast } from '../../lib/toast';
import { Button } from './button';
import { Check } from './icons';

/**
 * A read-only value with a copy button (secrets shown once, keys, commands). The button's own
 * words ("Copy secret") name it, so it does not share the field's label.
 */
export function CopyField({ label, value, copyLabel, multiline = false }: { label: string; value: string; copyLabel: string; multiline?: boolean }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (await copyText(value)) {
      setCopied(true);
      toast.success(`${label} copied`);
      setTimeout(() => setCopied(false), 2000);
    } else toast.error('Could not copy', 'Select the text and copy it yourself.');
  };
  return (
    <div className="field copy-field">
      <label className="field-label" htmlFor={id}>{label}</label>
      <div className="copy-row">
        {multiline ? (
          <textarea id={id} className="input textarea mono" readOnly value={value} rows={4} spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
        ) : (
          <input id={id} className="input mono" readOnly value={value} spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
        )}
        <Button size="sm" onPress={() => void copy()} className="copy-button">
          {copied ? <Check /> : null}
          {copyLabel}
        </Button>
      </div>
    </div>
  );
}
