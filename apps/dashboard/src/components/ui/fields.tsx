import { useId, type ReactNode } from 'react';
import {
  Button as AriaButton, Checkbox, Dialog, DialogTrigger, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Select, SelectValue, Switch, Text,
  TextArea, TextField, type Key, type Selection,
} from 'react-aria-components';
import { Check, ChevronDown, Minus } from './icons';

/** Form controls: React Aria parts (label, description and error wired by ids) in the app's look. */

interface FieldBase {
  label: string;
  description?: ReactNode;
  /** Shown beside the field (client-side schema or the server's `property`). */
  error?: string;
  className?: string;
  isDisabled?: boolean;
}

export interface TextInputFieldProps extends FieldBase {
  value: string;
  onChange: (value: string) => void;
  name?: string;
  type?: 'text' | 'password' | 'search' | 'email';
  inputMode?: 'text' | 'numeric' | 'decimal';
  placeholder?: string;
  autoComplete?: string;
  autoFocus?: boolean;
  isRequired?: boolean;
  isReadOnly?: boolean;
  suffix?: ReactNode;
}

export function TextInputField({ label, description, error, className = '', value, onChange, suffix, type = 'text', inputMode, placeholder, autoComplete, isRequired, ...rest }: TextInputFieldProps) {
  return (
    <TextField
      {...rest}
      value={value}
      onChange={onChange}
      type={type}
      autoComplete={autoComplete}
      isRequired={isRequired}
      isInvalid={Boolean(error)}
      validationBehavior="aria"
      className={`field ${className}`}
    >
      <Label className="field-label">{label}</Label>
      <div className="input-wrap">
        <Input className="input" inputMode={inputMode} placeholder={placeholder} />
        {suffix && <span className="input-suffix">{suffix}</span>}
      </div>
      {description && <Text slot="description" className="field-description">{description}</Text>}
      <FieldError className="field-error">{error}</FieldError>
    </TextField>
  );
}

export interface TextAreaFieldProps extends FieldBase {
  value: string;
  onChange: (value: string) => void;
  name?: string;
  rows?: number;
  placeholder?: string;
}

export function TextAreaField({ label, description, error, className = '', rows = 4, placeholder, ...rest }: TextAreaFieldProps) {
  return (
    <TextField {...rest} isInvalid={Boolean(error)} validationBehavior="aria" className={`field ${className}`}>
      <Label className="field-label">{label}</Label>
      <TextArea className="input textarea mono" rows={rows} placeholder={placeholder} spellCheck={false} />
      {description && <Text slot="description" className="field-description">{description}</Text>}
      <FieldError className="field-error">{error}</FieldError>
    </TextField>
  );
}

export interface CheckboxFieldProps {
  /** Visible text; also the accessible name unless `ariaLabel` is given. */
  children?: ReactNode;
  ariaLabel?: string;
  isSelected: boolean;
  isIndeterminate?: boolean;
  onChange: (selected: boolean) => void;
  isDisabled?: boolean;
  className?: string;
  name?: string;
}

export function CheckboxField({ children, ariaLabel, className = '', ...rest }: CheckboxFieldProps) {
  return (
    <Checkbox {...rest} aria-label={ariaLabel} className={`checkbox ${className}`}>
      {({ isSelected, isIndeterminate }) => (
        <>
          <span className="checkbox-box" aria-hidden="true">
            {isIndeterminate ? <Minus /> : isSelected ? <Check /> : null}
          </span>
          {children}
        </>
      )}
    </Checkbox>
  );
}

export interface SwitchFieldProps {
  /** Visible text and the accessible name. */
  children: ReactNode;
  isSelected: boolean;
  onChange: (selected: boolean) => void;
  isDisabled?: boolean;
  className?: string;
}

/** An on/off setting that applies at once (React Aria Switch: role "switch", Space toggles). */
export function SwitchField({ children, className = '', ...rest }: SwitchFieldProps) {
  return (
    <Switch {...rest} className={`switch ${className}`}>
      <span className="switch-track" aria-hidden="true">
        <span className="switch-thumb" />
      </span>
      {children}
    </Switch>
  );
}

export interface Option<K extends string = string> {
  id: K;
  label: string;
}

export interface SelectFieldProps<K extends string> extends FieldBase {
  options: ReadonlyArray<Option<K>>;
  value: K | null;
  onChange: (value: K) => void;
  placeholder?: string;
  /** Hide the visible label (toolbars); it stays the accessible name. */
  hideLabel?: boolean;
}

/** A single-choice select (React Aria: button + listbox popover). */
export function SelectField<K extends string>({ label, description, error, className = '', options, value, onChange, placeholder, hideLabel, isDisabled }: SelectFieldProps<K>) {
  return (
    <Select<Option<K>>
      value={value}
      onChange={(key) => {
        if (key !== null) onChange(String(key) as K);
      }}
      placeholder={placeholder}
      isDisabled={isDisabled}
      isInvalid={Boolean(error)}
      validationBehavior="aria"
      className={`field select ${className}`}
    >
      <Label className={hideLabel ? 'sr-only' : 'field-label'}>{label}</Label>
      <AriaButton className="select-trigger">
        {/* The chosen option's text only: the item's own check mark stays in the list. */}
        <SelectValue<Option<K>> className="select-value">{({ selectedText, isPlaceholder }) => (isPlaceholder ? placeholder : selectedText)}</SelectValue>
        <ChevronDown />
      </AriaButton>
      {description && <Text slot="description" className="field-description">{description}</Text>}
      <FieldError className="field-error">{error}</FieldError>
      <Popover className="popover" placement="bottom start">
        <ListBox className="listbox" items={options}>
          {(option) => (
            <ListBoxItem id={option.id} className="listbox-item" textValue={option.label}>
              {({ isSelected }) => (
                <>
                  <span className="listbox-check" aria-hidden="true">{isSelected && <Check />}</span>
                  {option.label}
                </>
              )}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}

export interface MultiSelectFieldProps<K extends string> {
  label: string;
  options: ReadonlyArray<Option<K>>;
  value: readonly K[];
  onChange: (value: K[]) => void;
  /** Shown when nothing is chosen (which matches everything). */
  placeholder?: string;
  className?: string;
}

/**
 * A multi-select: a button that opens a popover dialog holding a multi-selectable listbox
 * (React Aria's ListBox: options with aria-selected, arrow keys, Space to toggle, Escape closes).
 * Not React Aria's Select in multiple mode: that adds a hidden native <select> whose options'
 * text ends up in its label, which confuses lookups by label ("Health" vs "Healthy").
 */
export function MultiSelectField<K extends string>({ label, options, value, onChange, placeholder = 'All', className = '' }: MultiSelectFieldProps<K>) {
  const id = useId();
  const labelId = `${id}-label`;
  const valueId = `${id}-value`;
  const chosen = options.filter((o) => value.includes(o.id));
  const summary = chosen.length === 0 ? placeholder : chosen.map((o) => o.label).join(', ');
  return (
    <div className={`field select multi-select ${className}`}>
      <span className="field-label" id={labelId}>{label}</span>
      <DialogTrigger>
        <AriaButton className={`select-trigger ${chosen.length ? 'has-value' : ''}`} aria-labelledby={`${labelId} ${valueId}`}>
          <span className={`select-value ${chosen.length ? '' : 'is-placeholder'}`} id={valueId}>{summary}</span>
          {chosen.length > 1 && <span className="select-count" aria-hidden="true">{chosen.length}</span>}
          <ChevronDown />
        </AriaButton>
        <Popover className="popover" placement="bottom start">
          <Dialog className="popover-dialog" aria-labelledby={labelId}>
            <ListBox
              className="listbox"
              aria-labelledby={labelId}
              items={options}
              selectionMode="multiple"
              selectedKeys={new Set<Key>(value)}
              onSelectionChange={(keys: Selection) => onChange((keys === 'all' ? options.map((o) => o.id) : options.filter((o) => keys.has(o.id)).map((o) => o.id)) as K[])}
              autoFocus="first"
              escapeKeyBehavior="none"
            >
              {(option) => (
                <ListBoxItem id={option.id} className="listbox-item" textValue={option.label}>
                  {({ isSelected }) => (
                    <>
                      <span className={`listbox-checkbox ${isSelected ? 'is-selected' : ''}`} aria-hidden="true">{isSelected && <Check />}</span>
                      {option.label}
                    </>
                  )}
                </ListBoxItem>
              )}
            </ListBox>
          </Dialog>
        </Popover>
      </DialogTrigger>
    </div>
  );
}
