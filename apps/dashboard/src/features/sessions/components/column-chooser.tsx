import { Menu, MenuItem, MenuTrigger, Popover, type Selection } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { Check, Columns } from '../../../components/ui/icons';

export interface ColumnOption {
  id: string;
  label: string;
}

/** Which columns show: a menu of checkable items (menuitemcheckbox). */
export function ColumnChooser({ columns, visible, onChange }: { columns: ColumnOption[]; visible: ReadonlySet<string>; onChange: (visible: Set<string>) => void }) {
  return (
    <MenuTrigger>
      <Button size="sm">
        <Columns /> Columns
      </Button>
      <Popover className="popover" placement="bottom end">
        <Menu
          aria-label="Visible columns"
          className="menu"
          selectionMode="multiple"
          selectedKeys={visible}
          onSelectionChange={(keys: Selection) => onChange(keys === 'all' ? new Set(columns.map((c) => c.id)) : new Set([...keys].map(String)))}
          items={columns}
        >
          {(item) => (
            <MenuItem id={item.id} className="menu-item" textValue={item.label}>
              {({ isSelected }) => (
                <>
                  <span className={`listbox-checkbox ${isSelected ? 'is-selected' : ''}`} aria-hidden="true">{isSelected && <Check />}</span>
                  {item.label}
                </>
              )}
            </MenuItem>
          )}
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}
