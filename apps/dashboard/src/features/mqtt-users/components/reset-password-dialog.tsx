import type { MqttUserInfo } from '@mqdash/contracts';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { AppDialog } from '../../../components/ui/dialog';
import { CheckboxField, TextInputField } from '../../../components/ui/fields';
import { errorMessage } from '../../../lib/api-client';
import { plural } from '../../../lib/format';
import { serverFieldError, type FieldErrors } from '../../../lib/form-errors';
import { toast } from '../../../lib/toast';
import { useAlterMqttUser } from '../api/alter-mqtt-user';
import { passwordErrors } from '../lib/account-form';

const FORM_ID = 'reset-mqtt-password-form';

/**
 * A new password for an account. Clients connected now keep their connection unless "disconnect"
 * is ticked (for a password that leaked); every later CONNECT needs the new one.
 */
export function ResetPasswordDialog({ user, onClose }: { user: MqttUserInfo | null; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [disconnect, setDisconnect] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const alter = useAlterMqttUser(false);

  const close = () => {
    onClose();
    setPassword('');
    setConfirmation('');
    setDisconnect(false);
    setErrors({});
    setFormError(null);
    alter.reset();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!user || alter.isPending) return;
    setFormError(null);
    const next = passwordErrors(password, confirmation);
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    alter.mutate(
      { username: user.username, password, ...(disconnect ? { disconnectClients: true } : {}) },
      {
        onSuccess: (result) => {
          toast.success('Password changed', result.disconnectedClients ? `${plural(result.disconnectedClients, 'client')} disconnected.` : `${user.username} needs the new password from its next connect.`);
          close();
        },
        onError: (error) => {
          const field = serverFieldError(error);
          if (field?.field === 'password') setErrors({ password: field.message });
          else setFormError(errorMessage(error));
        },
      },
    );
  };

  const connected = user?.connectedClients ?? 0;
  return (
    <AppDialog
      isOpen={user !== null}
      onOpenChange={(open) => !open && close()}
      title="Reset password"
      isDismissable={false}
      footer={
        <>
          <Button variant="ghost" onPress={close}>Cancel</Button>
          <Button variant="primary" type="submit" form={FORM_ID} isPending={alter.isPending}>Set password</Button>
        </>
      }
    >
      <Form id={FORM_ID} onSubmit={submit} validationBehavior="aria" className="stack">
        <p className="muted">
          A new password for <span className="mono">{user?.username}</span>. The old one stops working at once for new connections.
        </p>
        {formError && <div className="callout callout-error" role="alert">{formError}</div>}
        <TextInputField label="New password" type="password" value={password} onChange={setPassword} error={errors.password} autoFocus autoComplete="new-password" description="At least 8 characters." />
        <TextInputField label="Confirm new password" type="password" value={confirmation} onChange={setConfirmation} error={errors.confirmation} autoComplete="new-password" />
        <CheckboxField isSelected={disconnect} onChange={setDisconnect} isDisabled={connected === 0}>
          {connected === 0 ? 'No client is connected with this account now' : `Also disconnect the ${plural(connected, 'client')} connected now`}
        </CheckboxField>
      </Form>
    </AppDialog>
  );
}
