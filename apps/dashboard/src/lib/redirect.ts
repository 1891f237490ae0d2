/**
 * Where to go after signing in: only a path on this site (no `//host`, no scheme), never the
 * login page itself. Anything else goes to the sessions list.
 */
export function safeRedirect(target: string | null | undefined, fallback = '/sessions'): string {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback;
  if (target === '/login' || target.startsWith('/login?') || target.startsWith('/login/')) return fallback;
  return target;
}

export const loginHref = (from: string): string => (from && from !== '/' ? `/login?redirect=${encodeURIComponent(from)}` : '/login');
