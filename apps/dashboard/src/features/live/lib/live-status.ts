import { useSyncExternalStore } from 'react';

/**
 * The live feed's connection state, for the header indicator and for pages that poll only while
 * the feed is down. `connecting`: the first attempt; `live`: subscribed; `reconnecting`: lost,
 * trying again soon; `offline`: the browser is offline or several attempts failed (still retrying).
 */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveStatus {
  state: LiveState;
  /** When the current connection became live (ms). */
  since?: number;
  /** When the next attempt starts (ms), while reconnecting or offline. */
  retryAt?: number;
  /** Why the last attempt failed, in words. */
  lastError?: string;
}

let current: LiveStatus = { state: 'connecting' };
const listeners = new Set<() => void>();

export function setLiveStatus(next: LiveStatus): void {
  current = next;
  for (const listener of listeners) listener();
}

export const getLiveStatus = (): LiveStatus => current;

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useLiveStatus = (): LiveStatus => useSyncExternalStore(subscribe, getLiveStatus);

/** true while feed messages keep the cache current (pages may stop polling). */
export const useIsLive = (): boolean => useSyncExternalStore(subscribe, () => current.state === 'live');
