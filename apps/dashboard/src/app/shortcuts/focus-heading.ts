import { useEffect, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import { isTypingTarget } from './keys';

/** How long to wait for the new page's heading (a page may first show a spinner). */
const WAIT_MS = 5000;

/**
 * Issue 13: after navigation to another path (not a change of filters in the query string), focus
 * moves to the new page's `h1`, so keyboard and screen-reader users start at the top of the new
 * content instead of `<body>`, and a polite live region says which page it is. Waits while a dialog
 * (the command palette) is still closing, so its focus restoration does not win.
 */
export function useFocusHeadingOnNavigate(): string {
  const { pathname } = useLocation();
  const [announcement, setAnnouncement] = useState('');
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const started = performance.now();
    let frame = 0;
    let settled = 0;
    let focused: HTMLElement | null = null;
    const tryFocus = () => {
      const heading = document.querySelector<HTMLElement>('main h1');
      const dialog = document.querySelector('.modal-overlay');
      const active = document.activeElement;
      // The user has moved on (a click, a key, typing in a field of the new page): leave the focus where it is.
      if (focused && active !== focused && active !== document.body && active !== null) return;
      if (!focused && !dialog && isTypingTarget(active)) return;
      // Two quiet frames after the dialog has gone: React Aria restores focus in the frame after closing.
      settled = heading && !dialog ? settled + 1 : 0;
      // A page that first shows a loading state may replace its heading: focus the new one.
      if (heading && settled >= 2 && heading !== focused && (!focused || active === document.body || active === null)) {
        if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
        heading.focus();
        focused = heading;
        setAnnouncement(document.title || (heading.textContent ?? ''));
      }
      if (performance.now() - started < WAIT_MS) frame = requestAnimationFrame(tryFocus);
    };
    frame = requestAnimationFrame(tryFocus);
    return () => cancelAnimationFrame(frame);
  }, [pathname]);
  return announcement;
}
