import { ToggleButton, ToggleButtonGroup, type Key } from 'react-aria-components';
import type { PayloadView } from '../../lib/payload-view';

const views: Array<{ id: PayloadView; label: string }> = [
  { id: 'text', label: 'Text' },
  { id: 'json', label: 'JSON' },
  { id: 'hex', label: 'Hex' },
];

/** Text / JSON / Hex: how payloads are shown. */
export function PayloadViewToggle({ view, onChange }: { view: PayloadView; onChange: (view: PayloadView) => void }) {
  return (
    <ToggleButtonGroup
      aria-label="Show payloads as"
      selectionMode="single"
      disallowEmptySelection
      selectedKeys={new Set<Key>([view])}
      onSelectionChange={(keys) => {
        const next = [...keys][0];
        if (next) onChange(next as PayloadView);
      }}
      className="segmented"
    >
      {views.map((v) => (
        <ToggleButton key={v.id} id={v.id} className="segmented-item">{v.label}</ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
