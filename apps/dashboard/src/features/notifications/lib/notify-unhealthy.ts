import type { FeedEvent } from '@mqdash/contracts';
import { notificationsSupported, readNotifyUnhealthy } from './preferences';

/** One notification per session at most this often, however often it flaps. */
const PER_SESSION_GAP_MS = 5 * 60_000;
const lastShown = new Map<string, number>();

export interface NotifyTargets {
  /** Open a session's page (a notification about one session was clicked). */
  openSession: (clientName: string) => void;
  /** Open the overview (a notification about several was clicked). */
  openOverview: () => void;
}

function show(title: string, body: string, tag: string, onClick: () => void): void {
  try {
    const notification = new Notification(title, { body, tag });
    notification.onclick = () => {
      window.focus();
      onClick();
      notification.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker: nothing to show then.
  }
}

/** Feed events → browser notifications for sessions that turned unhealthy, when the user asked for them. */
export function notifyUnhealthy(events: readonly FeedEvent[], targets: NotifyTargets): void {
  // The user's own setting first: reading Notification.permission asks the browser process.
  if (!readNotifyUnhealthy() || !notificationsSupported() || Notification.permission !== 'granted') return;
  const now = Date.now();
  const turned = new Map<string, string>();
  for (const event of events)
    if (event.type === 'health' && event.sessionHealth === 'unhealthy' && now - (lastShown.get(event.clientName) ?? 0) > PER_SESSION_GAP_MS)
      turned.set(event.clientName, event.reason ?? '');
  if (turned.size === 0) return;
  for (const name of turned.keys()) lastShown.set(name, now);
  const [first] = turned;
  if (turned.size === 1 && first) {
    const [name, reason] = first;
    show(`Session ${name} is unhealthy`, reason || 'A health threshold is broken.', `mqdash-unhealthy-${name}`, () => targets.openSession(name));
    return;
  }
  const names = [...turned.keys()];
  show(
    `${names.length} sessions turned unhealthy`,
    `${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`,
    'mqdash-unhealthy',
    targets.openOverview,
  );
}

/** A sample, so the user sees what they switched on. */
export function showTestNotification(): void {
  show('mqdash notifications are on', 'You will be told here when a session turns unhealthy.', 'mqdash-test', () => {});
}
