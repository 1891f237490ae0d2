/**
 * Issue 13, speed of hand: the keyboard shortcuts, as one list that both the key handler and the
 * help dialog (`?`) read. Pure functions, unit-tested in `__tests__/keys.test.ts`.
 */

/** `g` then a letter: the screens. */
export const goToScreens = [
  { key: 'o', to: '/overview', label: 'Overview' },
  { key: 's', to: '/sessions', label: 'Sessions' },
  { key: 'l', to: '/labels', label: 'Labels' },
  { key: 'r', to: '/retained', label: 'Retained' },
  { key: 'n', to: '/nodes', label: 'Nodes' },
  { key: 't', to: '/settings', label: 'Settings' },
] as const;

export const shortcutList: ReadonlyArray<{ keys: string[]; what: string }> = [
  { keys: ['Ctrl', 'K'], what: 'Open the command palette: go to a session, a screen or an action' },
  { keys: ['/'], what: 'Focus the search box' },
  { keys: ['j'], what: 'Next row of the sessions table (also ↓ in the table)' },
  { keys: ['k'], what: 'Previous row of the sessions table (also ↑ in the table)' },
  { keys: ['Enter'], what: 'Open the focused session' },
  ...goToScreens.map((s) => ({ keys: ['g', s.key], what: `Go to ${s.label}` })),
  { keys: ['?'], what: 'Show these shortcuts' },
];

const textInputTypes = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

/** Is the key going into something the user types in? Then no single-key shortcut may fire. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !textInputTypes.has(target.type);
  return target.closest('[role="textbox"], [role="searchbox"], [role="combobox"], [contenteditable="true"]') !== null;
}

export type ShortcutCommand =
  | { kind: 'palette' }
  | { kind: 'help' }
  | { kind: 'search' }
  | { kind: 'row'; step: 1 | -1 }
  | { kind: 'go'; to: string }
  | { kind: 'prefix' };

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** Focus is inside the sessions table's body (arrows move between rows there). */
  inTable: boolean;
  typing: boolean;
  /** `g` was pressed just before. */
  afterG: boolean;
}

/** A key press → the command it means, or null (the key then does what it always does). */
export function commandFor(k: KeyInput): ShortcutCommand | null {
  if ((k.ctrlKey || k.metaKey) && !k.altKey && k.key.toLowerCase() === 'k') return { kind: 'palette' };
  if (k.ctrlKey || k.metaKey || k.altKey || k.typing) return null;
  if (k.afterG) {
    const screen = goToScreens.find((s) => s.key === k.key);
    return screen ? { kind: 'go', to: screen.to } : null;
  }
  switch (k.key) {
    case '?':
      return { kind: 'help' };
    case '/':
      return { kind: 'search' };
    case 'j':
      return { kind: 'row', step: 1 };
    case 'k':
      return { kind: 'row', step: -1 };
    case 'g':
      return { kind: 'prefix' };
    case 'ArrowDown':
      return k.inTable ? { kind: 'row', step: 1 } : null;
    case 'ArrowUp':
      return k.inTable ? { kind: 'row', step: -1 } : null;
    default:
      return null;
  }
}
