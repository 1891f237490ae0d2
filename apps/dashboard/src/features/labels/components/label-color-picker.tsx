import { Label, Radio, RadioGroup } from 'react-aria-components';
import { labelPalette } from '../lib/label-color';

/**
 * The label colour: one radio per palette colour (React Aria RadioGroup: arrow keys move, the
 * colour's name is the accessible name), drawn as swatches.
 */
export function LabelColorPicker({ value, onChange }: { value: string; onChange: (hex: string) => void }) {
  const known = labelPalette.some((p) => p.hex === value.toLowerCase());
  return (
    <RadioGroup value={known ? value.toLowerCase() : null} onChange={onChange} orientation="horizontal" className="field">
      <Label className="field-label">Colour</Label>
      <div className="label-swatches">
        {labelPalette.map((p) => (
          <Radio key={p.hex} value={p.hex} aria-label={p.name} className="label-swatch-radio">
            <span className="label-swatch label-swatch-lg" style={{ backgroundColor: p.hex }} aria-hidden="true" />
          </Radio>
        ))}
      </div>
    </RadioGroup>
  );
}

/** A small coloured dot in front of a label's name (decoration: the name carries the meaning). */
export function LabelSwatch({ color }: { color: string | undefined }) {
  return <span className="label-swatch" style={color ? { backgroundColor: color } : undefined} aria-hidden="true" />;
}
