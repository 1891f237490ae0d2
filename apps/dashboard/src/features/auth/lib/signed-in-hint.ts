/**
 * Whether this browser signed in and has not signed out since. The session cookie is httpOnly,
 * so the page cannot see it; without this hint every visit by a signed-out user would start with
 * a 401 from `/bff/me` (a red line in the console). With it, such a visit goes straight to the
 * login page, and `/bff/me` is asked only when a sign-in is likely alive. Only a hint: the server
 * decides, and a 401 clears it.
 */
const KEY = 'mqdash.signedIn';

export function hasSignedInHint(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return true; // No storage: ask the server.
  }
}

export function setSignedInHint(signedIn: boolean): void {
  try {
    if (signedIn) localStorage.setItem(KEY, '1');
    else localStorage.removeItem(KEY);
  } catch {
    // No storage: every visit asks the server.
  }
}
