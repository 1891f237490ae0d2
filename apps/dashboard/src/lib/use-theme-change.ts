import { useSyncExternalStore } from 'react';

/**
 * A number that changes whenever the effective colour scheme may have: the theme menu sets
 * `data-theme` on <html>; "System" follows prefers-color-scheme. Canvas drawings (charts) read
 * resolved colours from CSS, so they redraw when it changes.
 */
let version = 0;

function subscribe(listener: () => void): () => void {
  const bump = () => {
    version++;
    listener();
  };
  const observer = new MutationObserver(bump);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', bump);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', bump);
  };
}

export const useThemeVersion = (): number => useSyncExternalStore(subscribe, () => version);
