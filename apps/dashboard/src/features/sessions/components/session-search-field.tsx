import { useState, type ReactNode } from 'react';
import { FieldError, Input, Label, SearchField } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { Close, Search } from '../../../components/ui/icons';
import { useDebouncedCallback } from '../../../lib/use-debounced-callback';

const DEBOUNCE_MS = 150;

export interface FilterTextFieldProps {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  /** A reason the text is not a usable value yet (it is not sent until it is), or null. */
  validate?: (text: string) => string | null;
  icon?: ReactNode;
  /** The clear button's accessible name; "Clear <label>" unless given. */
  clearLabel?: string;
  className?: string;
}

/**
 * A text filter of the sessions table: typing updates the URL after a 150 ms pause (a text the
 * validator refuses is shown with its reason and not sent). When the URL changes from elsewhere
 * (Back, "Clear filters"), the field follows; its own echo is ignored.
 */
export function FilterTextField({ label, placeholder, value, onChange, validate, icon, clearLabel, className = '' }: FilterTextFieldProps) {
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
  const problem = text && validate ? validate(text) : null;

  return (
    <SearchField
      value={text}
      onChange={(next) => {
        setText(next);
        if (next && validate?.(next)) cancel();
        else emit(next);
      }}
      onClear={() => {
        cancel();
        setEmitted('');
        onChange('');
      }}
      isInvalid={Boolean(problem)}
      validationBehavior="aria"
      className={`field search-field ${className}`}
    >
      <Label className="field-label">{label}</Label>
      <div className="input-wrap">
        {icon && <span className="input-prefix" aria-hidden="true">{icon}</span>}
        <Input className={`input${icon ? ' input-with-prefix' : ''}`} placeholder={placeholder} spellCheck={false} autoComplete="off" />
        {text && (
          <Button variant="ghost" size="sm" className="btn-icon input-clear" aria-label={clearLabel ?? `Clear ${label.toLowerCase()}`}>
            <Close />
          </Button>
        )}
      </div>
      <FieldError className="field-error">{problem}</FieldError>
    </SearchField>
  );
}

/** Issue 13: one box that matches any substring of client id, user name, IP address and label name. */
export function SessionSearchField({ value, onChange }: { value: string; onChange: (search: string) => void }) {
  return (
    <FilterTextField
      label="Search sessions"
      placeholder="Client ID, user name, IP or label"
      value={value}
      onChange={onChange}
      icon={<Search />}
      clearLabel="Clear search"
    />
  );
}
