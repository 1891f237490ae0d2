import { useSyncExternalStore } from 'react';

/**
 * "Notify me when a session turns unhealthy": per user and browser, in localStorage. Only on
 * when the browser also granted notifications (asked when the user switches it on).
 */

const KEY = 'mqdash.notifications.unhealthy';
const listeners = new Set<() => void>();

export const notificationsSupported = (): boolean => typeof Notification !== 'undefined';

export function readNotifyUnhealthy(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

export function setNotifyUnhealthy(on: boolean): void {
  try {
    if (on) localStorage.setItem(KEY, '1');
    else localStorage.removeItem(KEY);
  } catch {
    // Private mode: nothing is kept; notifications stay off.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab switched it.
  const onStorage = (event: StorageEvent) => {
    if (event.key === KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export const useNotifyUnhealthy = (): boolean => useSyncExternalStore(subscribe, readNotifyUnhealthy);
