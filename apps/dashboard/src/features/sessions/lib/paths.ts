/** Dashboard URLs of the sessions feature. */

export const sessionHref = (clientName: string): string => `/sessions/${encodeURIComponent(clientName)}`;

const LAST_LIST_SEARCH = 'mqdash.sessions.lastSearch';

/** The list page remembers its filters so "Back to sessions" returns to the same view. */
export function rememberListSearch(search: string): void {
  try {
    sessionStorage.setItem(LAST_LIST_SEARCH, search);
  } catch {
    // Storage may be unavailable; the link then goes to the unfiltered list.
  }
}

export function sessionsListHref(): string {
  try {
    return `/sessions${sessionStorage.getItem(LAST_LIST_SEARCH) ?? ''}`;
  } catch {
    return '/sessions';
  }
}
