import { useState } from 'react';
import { Menu, MenuItem, MenuTrigger, Popover, type Selection } from 'react-aria-components';
import { applyTheme, readTheme, type ThemeChoice } from '../../lib/theme';
import { Button } from '../ui/button';
import { Check, Monitor, Moon, Sun } from '../ui/icons';

const choices: Array<{ id: ThemeChoice; label: string; Icon: () => React.JSX.Element }> = [
  { id: 'system', label: 'System', Icon: Monitor },
  { id: 'light', label: 'Light', Icon: Sun },
  { id: 'dark', label: 'Dark', Icon: Moon },
];

/** Light, dark or the system's choice (prefers-color-scheme). */
export function ThemeMenu() {
  const [theme, setTheme] = useState<ThemeChoice>(readTheme);
  const current = choices.find((c) => c.id === theme) ?? choices[0]!;
  const select = (keys: Selection) => {
    const next = keys === 'all' ? undefined : ([...keys][0] as ThemeChoice | undefined);
    if (!next) return;
    setTheme(next);
    applyTheme(next);
  };
  return (
    <MenuTrigger>
      <Button variant="ghost" size="sm" className="btn-icon" aria-label={`Theme: ${current.label}`}>
        <current.Icon />
      </Button>
      <Popover className="popover" placement="bottom end">
        <Menu aria-label="Theme" className="menu" selectionMode="single" selectedKeys={new Set([theme])} onSelectionChange={select} disallowEmptySelection>
          {choices.map(({ id, label, Icon }) => (
            <MenuItem key={id} id={id} className="menu-item" textValue={label}>
              {({ isSelected }) => (
                <>
                  <Icon />
                  <span className="menu-item-label">{label}</span>
                  {isSelected && <Check />}
                </>
              )}
            </MenuItem>
          ))}
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}
