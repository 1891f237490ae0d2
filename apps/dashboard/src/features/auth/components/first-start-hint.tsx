import { useFirstStart } from '../api/get-first-start';

/**
 * Issue 13 "First start": until the first sign-in after the server generated the administrator's
 * password, the login page says where that password is. The server says only whether (never the path).
 */
export function FirstStartHint() {
  const { data } = useFirstStart();
  if (!data?.firstStart) return null;
  return (
    <div className="callout auth-hint" role="note" aria-label="First start">
      First start: sign in as <strong>admin</strong> with the password the server wrote to the file{' '}
      <code>initial-admin-password</code> in its data folder (<code>./data</code> unless <code>DATA_DIR</code> or{' '}
      <code>--data-dir</code> says otherwise). The server&apos;s log line &ldquo;mqdash is running&rdquo; names the file.
    </div>
  );
}
