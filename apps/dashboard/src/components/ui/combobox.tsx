import { useMemo, useState, type ReactNode } from 'react';
import { Button as AriaButton, ComboBox, useFilter, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import { Check, ChevronDown, Plus } from './icons';

export interface ComboOption {
  id: string;
  /** The text typed and shown in the input once chosen. */
  label: string;
  /** Shown before the text (a colour dot). */
  prefix?: ReactNode;
  /** Shown after the text, muted ("deprecated", "12 sessions"). */
  note?: string;
  /** Choosing it leaves no value and an empty input ("No label"). */
  clears?: boolean;
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
  const textOf = (id: string | null) => {
    const o = options.find((x) => x.id === id);
    return o && !o.clears ? o.label : '';
  };
  const [input, setInput] = useState(textOf(value));
  const [prevValue, setPrevValue] = useState(value);
  if (prevValue !== value) {
    // The value changed from outside (a label was created and chosen): show its text.
    setPrevValue(value);
    setInput(textOf(value));
  }
  const typed = input.trim();
  const { contains } = useFilter({ sensitivity: 'base' });
  // Every option stays in the collection (React Aria filters what it shows by the typed text), so
  // the chosen one is always found; the "create" option is added while the text names no option.
  const items = useMemo(() => {
    const exact = options.some((o) => o.label === typed);
    return onCreate && createText && typed && !exact ? [...options, { id: CREATE_ID, label: createText(typed) }] : [...options];
  }, [options, typed, onCreate, createText]);

  return (
    <ComboBox
      defaultItems={items}
      defaultFilter={(text, typedText) => text === createText?.(typedText.trim()) || contains(text, typedText)}
      selectedKey={value}
      inputValue={input}
      onInputChange={setInput}
      onSelectionChange={(key) => {
        if (key === CREATE_ID) {
          onCreate?.(typed);
          setInput(textOf(value));
          return;
        }
        // null: the text picks nothing (React Aria commits on blur) — keep the chosen option.
        const picked = key === null ? undefined : options.find((o) => o.id === String(key));
        const id = picked ? (picked.clears ? null : picked.id) : value;
        if (id !== value) onChange(id);
        setInput(textOf(id));
      }}
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
