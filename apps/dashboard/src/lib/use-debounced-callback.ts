import { useCallback, useEffect, useRef } from 'react';

/** `run` calls `fn` once calls have paused for `delayMs`; `cancel` drops a pending call. */
export function useDebouncedCallback<A extends unknown[]>(fn: (...args: A) => void, delayMs: number): { run: (...args: A) => void; cancel: () => void } {
  const fnRef = useRef(fn);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    fnRef.current = fn;
  });
  useEffect(() => () => clearTimeout(timer.current), []);
  const run = useCallback(
    (...args: A) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => fnRef.current(...args), delayMs);
    },
    [delayMs],
  );
  const cancel = useCallback(() => clearTimeout(timer.current), []);
  return { run, cancel };
}
