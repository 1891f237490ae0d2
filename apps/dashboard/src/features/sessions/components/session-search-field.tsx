import { useState } from 'react';
import { Input, Label, SearchField } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { Close, Search } from '../../../components/ui/icons';
import { useDebouncedCallback } from '../../../lib/use-debounced-callback';

const DEBOUNCE_MS = 150;

/**
 * Prefix search over client names: typing updates the URL after a 150 ms pause. When the URL
 * changes from elsewhere (Back, "Clear filters"), the field follows; its own echo is ignored.
 */
export function SessionSearchField({ value, onChange }: { value: string; onChange: (prefix: string) => void }) {
  const [text, setText] = useState(value);
  const [emitted, setEmitted] = useState(value);
  const [synced, setSynced] = useState(value);
  if (value !== synced) {
    setSynced(value);
    if (value !== emitted) {
      setText(value);
      setEmitted(value);
    }
  }
  const { run: emit, cancel } = useDebouncedCallback((next: string) => {
    setEmitted(next);
    onChange(next);
  }, DEBOUNCE_MS);

  return (
    <SearchField
      value={text}
      onChange={(next) => {
        setText(next);
        emit(next);
      }}
      onClear={() => {
        cancel();
        setEmitted('');
        onChange('');
      }}
      className="field search-field"
    >
      <Label className="field-label">Search client names</Label>
      <div className="input-wrap">
        <span className="input-prefix" aria-hidden="true"><Search /></span>
        <Input className="input input-with-prefix" placeholder="Client name prefix" spellCheck={false} autoComplete="off" />
        {text && (
          <Button variant="ghost" size="sm" className="btn-icon input-clear" aria-label="Clear search">
            <Close />
          </Button>
        )}
      </div>
    </SearchField>
  );
}
