/** Timers for intervals up to 2^32 seconds (session expiry, will delay): setTimeout alone overflows past ~24.8 days. */
const MAX_TIMEOUT_MS = 0x7fffffff;

export interface Timer {
  cancel(): void;
}

export function startTimer(seconds: number, fire: () => void): Timer {
  const deadline = Date.now() + seconds * 1000;
  let handle: NodeJS.Timeout;
  const arm = () => {
    const left = deadline - Date.now();
    if (left <= 0) return fire();
    handle = setTimeout(arm, Math.min(left, MAX_TIMEOUT_MS));
  };
  handle = setTimeout(arm, Math.min(seconds * 1000, MAX_TIMEOUT_MS));
  return { cancel: () => clearTimeout(handle) };
}
