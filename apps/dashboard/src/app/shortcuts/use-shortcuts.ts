import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';
import { commandFor, isTypingTarget } from './keys';

/** How long after `g` the second key counts. */
const PREFIX_MS = 1500;
const ROWS = 'main table.data-table tbody tr:not(.skeleton-row)';

/** Moves focus to the next (`step` 1) or previous row's session link; from outside the table, to the first row. */
function moveRowFocus(step: 1 | -1): void {
  const rows = [...document.querySelectorAll<HTMLTableRowElement>(ROWS)].filter((r) => r.querySelector('a'));
  if (rows.length === 0) return;
  const current = document.activeElement?.closest('tr');
  const at = current ? rows.indexOf(current as HTMLTableRowElement) : -1;
  const next = at === -1 ? (step === 1 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + step));
  rows[next]?.querySelector<HTMLAnchorElement>('a')?.focus();
}

/** The page's search box (React Aria's SearchField renders `input type=search`). */
function focusSearch(): boolean {
  const input = document.querySelector<HTMLInputElement>('main input[type="search"]');
  input?.focus();
  input?.select();
  return input !== null;
}

const modalOpen = () => document.querySelector('.modal-overlay, [role="dialog"], [role="alertdialog"]') !== null;

/**
 * Issue 13: one keydown listener for the signed-in pages. Single keys never fire while typing in
 * a field or while a dialog or menu is open; Ctrl+K (⌘K) opens the palette from anywhere but a dialog.
 */
export function useShortcuts({ openPalette, openHelp }: { openPalette: () => void; openHelp: () => void }) {
  const navigate = useNavigate();
  const gAt = useRef(0);
  const handlers = useRef({ openPalette, openHelp, navigate });
  useEffect(() => {
    handlers.current = { openPalette, openHelp, navigate };
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing || modalOpen() || document.querySelector('.popover') !== null) return;
      const target = event.target;
      const command = commandFor({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        inTable: target instanceof Element && target.closest(ROWS) !== null,
        typing: isTypingTarget(target),
        afterG: Date.now() - gAt.current < PREFIX_MS,
      });
      gAt.current = 0;
      if (!command) return;
      const { openPalette, openHelp, navigate } = handlers.current;
      switch (command.kind) {
        case 'palette':
          openPalette();
          break;
        case 'help':
          openHelp();
          break;
        case 'search':
          if (!focusSearch()) return;
          break;
        case 'row':
          moveRowFocus(command.step);
          break;
        case 'prefix':
          gAt.current = Date.now();
          break;
        case 'go':
          void navigate(command.to);
          break;
      }
      event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
