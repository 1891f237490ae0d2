import { notifyManager } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';

/**
 * Which table rows the live feed just changed, so they can be highlighted briefly. Each change
 * flips the row between two classes with the same animation, so a second change restarts it.
 * Emits through TanStack Query's notify batch: the highlight and the new row data render together.
 */

const FLASH_MS = 1_600;

const flashes = new Map<string, { parity: 0 | 1; until: number }>();
const listeners = new Set<() => void>();
let version = 0;
let sweepTimer: ReturnType<typeof setTimeout> | undefined;

function emit(): void {
  version++;
  notifyManager.schedule(() => {
    for (const listener of listeners) listener();
  });
}

function sweep(): void {
  sweepTimer = undefined;
  const now = Date.now();
  let removed = false;
  for (const [name, flash] of flashes)
    if (flash.until <= now) {
      flashes.delete(name);
      removed = true;
    }
  if (removed) emit();
  if (flashes.size) sweepTimer = setTimeout(sweep, 500);
}

export function flashRows(names: readonly string[]): void {
  if (names.length === 0) return;
  const until = Date.now() + FLASH_MS;
  for (const name of names) {
    const previous = flashes.get(name);
    flashes.set(name, { parity: previous ? ((previous.parity ^ 1) as 0 | 1) : 0, until });
  }
  emit();
  sweepTimer ??= setTimeout(sweep, FLASH_MS);
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

const getVersion = () => version;

/** The highlight class of a row (undefined when it has not just changed); re-renders on changes. */
export function useRowFlash(): (clientName: string) => string | undefined {
  useSyncExternalStore(subscribe, getVersion);
  return flashClassOf;
}

function flashClassOf(clientName: string): string | undefined {
  const flash = flashes.get(clientName);
  return flash ? `row-flash-${flash.parity}` : undefined;
}
