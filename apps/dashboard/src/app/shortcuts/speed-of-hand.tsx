import { useState } from 'react';
import { CommandPalette } from './command-palette';
import { useFocusHeadingOnNavigate } from './focus-heading';
import { ShortcutHelp } from './shortcut-help';
import { useShortcuts } from './use-shortcuts';

/** Issue 13: keyboard shortcuts, the command palette, and focus to the heading after navigation. */
export function SpeedOfHand() {
  const [palette, setPalette] = useState(false);
  const [help, setHelp] = useState(false);
  useShortcuts({ openPalette: () => setPalette(true), openHelp: () => setHelp(true) });
  const announcement = useFocusHeadingOnNavigate();
  return (
    <>
      <CommandPalette isOpen={palette} onOpenChange={setPalette} onShowShortcuts={() => setHelp(true)} />
      <ShortcutHelp isOpen={help} onOpenChange={setHelp} />
      <div className="sr-only" aria-live="polite" aria-atomic="true">{announcement}</div>
    </>
  );
}
