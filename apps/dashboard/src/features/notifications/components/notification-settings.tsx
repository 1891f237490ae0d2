import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { CheckboxField } from '../../../components/ui/fields';
import { notificationsSupported, setNotifyUnhealthy, useNotifyUnhealthy } from '../lib/preferences';
import { showTestNotification } from '../lib/notify-unhealthy';

const deniedText = 'This browser blocks notifications from mqdash. Allow them in the site settings (the icon left of the address), then switch this on again.';

/** Settings: browser notifications when a session turns unhealthy (asks the browser's permission when switched on). */
export function NotificationSettings() {
  const enabled = useNotifyUnhealthy();
  const [problem, setProblem] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const supported = notificationsSupported();
  const granted = supported && Notification.permission === 'granted';

  const change = async (on: boolean) => {
    setProblem(null);
    if (!on) return setNotifyUnhealthy(false);
    if (!supported) return setProblem('This browser does not support notifications.');
    let permission = Notification.permission;
    if (permission === 'default') {
      setAsking(true);
      try {
        permission = await Notification.requestPermission();
      } finally {
        setAsking(false);
      }
    }
    if (permission !== 'granted') return setProblem(deniedText);
    setNotifyUnhealthy(true);
  };

  return (
    <div className="stack">
      <p className="muted">
        A browser notification when a session turns unhealthy, while mqdash is open in a tab of this browser. The setting is kept in this browser only.
      </p>
      <div className="check-row notification-row">
        <CheckboxField isSelected={enabled && granted} isDisabled={!supported || asking} onChange={(on) => void change(on)}>
          Notify me when a session turns unhealthy
        </CheckboxField>
        {enabled && granted && (
          <Button size="sm" variant="ghost" onPress={showTestNotification}>
            Send a test notification
          </Button>
        )}
      </div>
      {!supported && <p className="callout callout-warning">This browser does not support notifications.</p>}
      {problem && supported && <p className="callout callout-warning" role="alert">{problem}</p>}
      {enabled && supported && Notification.permission === 'denied' && !problem && <p className="callout callout-warning">{deniedText}</p>}
    </div>
  );
}
