import type { MqttAuthSettings } from '@mqdash/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { SwitchField } from '../../../components/ui/fields';
import { formatDateTime, plural } from '../../../lib/format';
import { toast } from '../../../lib/toast';
import { useSetAllowAnonymous } from '../api/set-allow-anonymous';

/** Where the current value comes from, in words. */
function sourceText(s: MqttAuthSettings): string {
  if (s.allowAnonymousSource === 'environment')
    return `Set by MQTT_ALLOW_ANONYMOUS (${s.allowAnonymousDefault ? 'on' : 'off'}, the start-up default). Once you change it here, this setting wins and is kept across restarts.`;
  const when = s.updatedDateTime ? ` on ${formatDateTime(s.updatedDateTime)}` : '';
  return `Changed here${s.updatedBy ? ` by ${s.updatedBy}` : ''}${when}; MQTT_ALLOW_ANONYMOUS no longer applies.`;
}

/**
 * The "Allow anonymous MQTT clients" switch. Either direction asks first: switching off
 * disconnects the anonymous clients connected now (so "off" means off at once); switching on
 * lets anyone who reaches the MQTT port in without a user name.
 */
export function AnonymousAccess({ settings, readOnly = false }: { settings: MqttAuthSettings; readOnly?: boolean }) {
  const set = useSetAllowAnonymous();
  const [asking, setAsking] = useState<boolean | null>(null);
  const anonymous = settings.connectedAnonymousClients;

  const apply = (allowAnonymous: boolean) =>
    set.mutate(allowAnonymous, {
      onSuccess: (result) => {
        setAsking(null);
        if (result.allowAnonymous) toast.success('Anonymous MQTT clients allowed');
        else toast.success('Anonymous MQTT clients refused', result.disconnectedClients ? `${plural(result.disconnectedClients, 'anonymous client')} disconnected.` : undefined);
      },
    });

  return (
    <div className="stack mqtt-anonymous">
      <SwitchField isSelected={settings.allowAnonymous} isDisabled={set.isPending || readOnly} onChange={setAsking}>
        Allow anonymous MQTT clients
      </SwitchField>
      <p className="muted small">
        Clients that connect without a user name. {sourceText(settings)}
        {settings.allowAnonymous && anonymous > 0 && ` ${plural(anonymous, 'anonymous client')} connected now.`}
      </p>
      <ConfirmDialog
        isOpen={asking === false}
        onOpenChange={(open) => !open && setAsking(null)}
        title="Refuse anonymous MQTT clients?"
        confirmLabel={anonymous > 0 ? `Refuse and disconnect ${plural(anonymous, 'client')}` : 'Refuse anonymous clients'}
        isPending={set.isPending}
        onConfirm={() => apply(false)}
      >
        <div className="stack">
          <p>From now on, a client must give the user name and password of an enabled account to connect.</p>
          <p>
            {anonymous > 0
              ? `The ${plural(anonymous, 'anonymous client')} connected now ${anonymous === 1 ? 'is' : 'are'} disconnected at once (MQTT 5 clients are told “Not authorized”).`
              : 'No anonymous client is connected now.'}{' '}
            The dashboard’s own live connection and MQ API sessions are not affected.
          </p>
          {settings.enabledAccounts === 0 && (
            <p className="callout callout-warning">There is no enabled account yet: no MQTT client will be able to connect until you create one.</p>
          )}
        </div>
      </ConfirmDialog>
      <ConfirmDialog
        isOpen={asking === true}
        onOpenChange={(open) => !open && setAsking(null)}
        title="Allow anonymous MQTT clients?"
        confirmLabel="Allow anonymous clients"
        tone="primary"
        isPending={set.isPending}
        onConfirm={() => apply(true)}
      >
        <p>Anyone who can reach the MQTT port can then connect without a user name. Clients that send a user name still need its account’s password.</p>
      </ConfirmDialog>
    </div>
  );
}
