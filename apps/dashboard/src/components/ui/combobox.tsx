import { useMemo, useState, type ReactNode } from 'react';
import { Button as AriaButton, ComboBox, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import { Check, ChevronDown, Plus } from './icons';

export interface ComboOption {
  id: string;
  /** The text typed and shown in the input once chosen. */
  label: string;
  /** Shown before the text (a colour dot). */
  prefix?: ReactNode;
  /** Shown after the text, muted ("deprecated", "12 sessions"). */
  note?: string;
}

export interface ComboBoxFieldProps {
  label: string;
  options: readonly ComboOption[];
  /** The chosen option's id, or null. */
  value: string | null;
  onChange: (id: string | null) => void;
  /** Offered when the typed text names no option: "Create label “…”"; called with the text. */
  createText?: (input: string) => string;
  onCreate?: (input: string) => void;
  description?: ReactNode;
  error?: string;
  placeholder?: string;
  isDisabled?: boolean;
}

const CREATE_ID = '\u0000create';

/**
 * A searchable single choice (React Aria ComboBox: role combobox, the list filtered as one types,
 * arrow keys and Enter choose). Typed text never becomes a value by itself: it either picks an
 * option or, when `onCreate` is given, offers an explicit "create" option.
 */
export function ComboBoxField({ label, options, value, onChange, createText, onCreate, description, error, placeholder, isDisabled }: ComboBoxFieldProps) {
  const chosen = options.find((o) => o.id === value);
  const [input, setInput] = useState(chosen?.label ?? '');
  const [prevValue, setPrevValue] = useState(value);
  if (prevValue !== value) {
    // The value changed from outside (a label was created and chosen): show its text.
    setPrevValue(value);
    setInput(chosen?.label ?? '');
  }
  const typed = input.trim();
  const items = useMemo(() => {
    const needle = typed.toLowerCase();
    const matching = needle && typed !== chosen?.label ? options.filter((o) => o.label.toLowerCase().includes(needle)) : [...options];
    const exact = options.some((o) => o.label === typed);
    return onCreate && createText && typed && !exact ? [...matching, { id: CREATE_ID, label: createText(typed) }] : matching;
  }, [options, typed, chosen, onCreate, createText]);

  return (
    <ComboBox
      items={items}
      selectedKey={value}
      inputValue={input}
      onInputChange={setInput}
      onSelectionChange={(key) => {
        if (key === CREATE_ID) {
          onCreate?.(typed);
          setInput(chosen?.label ?? '');
          return;
        }
        const id = key === null ? null : String(key);
        onChange(id);
        setInput(options.find((o) => o.id === id)?.label ?? '');
      }}
      // Leaving the field with text that picks nothing puts the chosen option's text back.
      onBlur={() => setInput(chosen?.label ?? '')}
      menuTrigger="focus"
      allowsEmptyCollection
      isDisabled={isDisabled}
      isInvalid={Boolean(error)}
      validationBehavior="aria"
      className="field combobox"
    >
      <Label className="field-label">{label}</Label>
      <div className="input-wrap">
        <Input className="input" placeholder={placeholder} />
        <AriaButton className="combobox-button" aria-label={`Show ${label.toLowerCase()} choices`}>
          <ChevronDown />
        </AriaButton>
      </div>
      {description && <Text slot="description" className="field-description">{description}</Text>}
      <FieldError className="field-error">{error}</FieldError>
      <Popover className="popover" placement="bottom start">
        <ListBox className="listbox" renderEmptyState={() => <p className="listbox-empty muted">No match</p>}>
          {(o: ComboOption) => (
            <ListBoxItem id={o.id} className={`listbox-item ${o.id === CREATE_ID ? 'listbox-item-create' : ''}`} textValue={o.label}>
              {({ isSelected }) => (
                <>
                  <span className="listbox-check" aria-hidden="true">{o.id === CREATE_ID ? <Plus /> : isSelected && <Check />}</span>
                  {o.prefix}
                  <span>{o.label}</span>
                  {o.note && <span className="muted small listbox-note">{o.note}</span>}
                </>
              )}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}
