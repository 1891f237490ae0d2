import type { ClientIdBinding, MqttAuthSettings } from '@mqdash/contracts';
import { SelectField, type Option } from '../../../components/ui/fields';
import { toast } from '../../../lib/toast';
import { useSetClientIdBinding } from '../api/set-allow-anonymous';

const bindingOptions: Option<ClientIdBinding>[] = [
  { id: 'none', label: 'Any client ID' },
  { id: 'session-owner', label: 'Kept by its user name' },
  { id: 'prefix-username', label: 'Starts with the user name' },
  { id: 'equals-username', label: 'Is the user name' },
];

const bindingHint: Record<ClientIdBinding, string> = {
  'none': 'A client may use any client ID, and takes over the session of a client connected with it (MQTT’s own rule).',
  'session-owner': 'A client ID whose session was last used with one user name is refused to clients with another user name or none (Not authorized).',
  'prefix-username': 'A client with a user name must use a client ID that starts with it (Client Identifier not valid), and a client ID stays with its user name.',
  'equals-username': 'A client with a user name must use it as client ID (Client Identifier not valid), and a client ID stays with its user name.',
};

/** The client-ID binding select (issue 12): applies to connections from now on, so nothing to confirm. */
export function ClientIdBindingField({ settings, readOnly = false }: { settings: MqttAuthSettings; readOnly?: boolean }) {
  const set = useSetClientIdBinding();
  const choose = (clientIdBinding: ClientIdBinding) => {
    if (clientIdBinding === settings.clientIdBinding) return;
    set.mutate(clientIdBinding, {
      onSuccess: (result) => toast.success('Client ID binding changed', `${bindingOptions.find((o) => o.id === result.clientIdBinding)?.label}. Connected clients stay connected.`),
    });
  };
  return (
    <SelectField
      label="Client ID binding"
      options={bindingOptions}
      value={settings.clientIdBinding}
      onChange={choose}
      isDisabled={set.isPending || readOnly}
      description={bindingHint[settings.clientIdBinding]}
      className="mqtt-client-id-binding"
    />
  );
}
