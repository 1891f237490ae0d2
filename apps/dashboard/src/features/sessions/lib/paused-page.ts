import type { SessionListRow, SessionsPage } from '@mqdash/contracts';
import { useMemo, useState } from 'react';

/**
 * Issue 13, live control: while paused, the sessions table keeps showing the page as it was
 * (rows stay put under the pointer); the live feed and refetches keep updating the cache, and the
 * table offers "N changes — Apply". A change of filter, sort or page is the administrator's own
 * doing, so its first answer is shown (and frozen) at once.
 */

const sameRow = (a: SessionListRow, b: SessionListRow): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/** Sessions added to, removed from or changed on the page since it was frozen (a move alone is not a change). */
export function countPageChanges(shown: SessionsPage, latest: SessionsPage): number {
  const before = new Map(shown.rows.map((row) => [row.clientName, row]));
  let changes = 0;
  for (const row of latest.rows) {
    const old = before.get(row.clientName);
    if (!old || !sameRow(old, row)) changes += 1;
    before.delete(row.clientName);
  }
  return changes + before.size;
}

interface Frozen {
  key: string;
  page: SessionsPage;
}

export interface PausablePage {
  /** The page to render: the frozen one while paused, the latest otherwise. */
  page: SessionsPage | undefined;
  paused: boolean;
  /** Changes waiting behind the pause (0 when live). */
  pending: number;
  pause: () => void;
  resume: () => void;
  /** Show the latest data and stay paused. */
  apply: () => void;
}

/** `key`: the list query (filter, sort, page); `latest`: what the cache holds now. */
export function usePausablePage(key: string, latest: SessionsPage | undefined, isPlaceholder: boolean): PausablePage {
  const [paused, setPaused] = useState(false);
  const [frozen, setFrozen] = useState<Frozen | null>(null);
  // Another query while paused: freeze its first real answer (state adjusted while rendering, as React advises).
  if (paused && latest && !isPlaceholder && frozen?.key !== key) setFrozen({ key, page: latest });
  const holding = paused && frozen !== null && frozen.key === key;
  const pending = useMemo(() => (holding && latest ? countPageChanges(frozen.page, latest) : 0), [holding, frozen, latest]);
  return {
    page: holding ? frozen.page : latest,
    paused,
    pending,
    pause: () => {
      setPaused(true);
      setFrozen(latest && !isPlaceholder ? { key, page: latest } : null);
    },
    resume: () => {
      setPaused(false);
      setFrozen(null);
    },
    apply: () => {
      if (latest) setFrozen({ key, page: latest });
    },
  };
}
