import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { AppDialog } from '../../../components/ui/dialog';
import { TextInputField } from '../../../components/ui/fields';
import { errorMessage } from '../../../lib/api-client';
import { serverFieldError, type FieldErrors } from '../../../lib/form-errors';
import { toast } from '../../../lib/toast';
import { useCreateMqttUser } from '../api/create-mqtt-user';
import { accountErrors } from '../lib/account-form';

const FORM_ID = 'create-mqtt-user-form';
const FIELDS = ['username', 'password', 'description'] as const;

/**
 * Create an MQTT client account: user name, password typed twice, description. Checked with the
 * contracts schemas before sending; the server's answer lands beside the field it names.
 */
export function CreateMqttUserDialog({ isOpen, onOpenChange, isFirst }: { isOpen: boolean; onOpenChange: (open: boolean) => void; isFirst: boolean }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useCreateMqttUser();

  const close = () => {
    onOpenChange(false);
    setUsername('');
    setPassword('');
    setConfirmation('');
    setDescription('');
    setErrors({});
    setFormError(null);
    create.reset();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending) return;
    setFormError(null);
    const next = accountErrors({ username, password, confirmation, description });
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    create.mutate(
      { username, password, description },
      {
        onSuccess: (user) => {
          toast.success('MQTT account created', `Clients can now connect as ${user.username}.`);
          close();
        },
        onError: (error) => {
          const field = serverFieldError(error);
          if (field && (FIELDS as readonly string[]).includes(field.field)) setErrors({ [field.field]: field.message });
          else setFormError(errorMessage(error));
        },
      },
    );
  };

  return (
    <AppDialog
      isOpen={isOpen}
      onOpenChange={(open) => (open ? onOpenChange(true) : close())}
      title="Create MQTT account"
      isDismissable={false}
      footer={
        <>
          <Button variant="ghost" onPress={close}>Cancel</Button>
          <Button variant="primary" type="submit" form={FORM_ID} isPending={create.isPending}>Create account</Button>
        </>
      }
    >
      <Form id={FORM_ID} onSubmit={submit} validationBehavior="aria" className="stack">
        <p className="muted">
          MQTT clients give this user name and password when they connect. mqdash keeps only a hash of the password: note it down now, it cannot be shown again.
        </p>
        {isFirst && (
          <div className="callout callout-warning">
            This is the first account: from now on, every client that sends a user name must give the password of an enabled account, or it is refused.
          </div>
        )}
        {formError && <div className="callout callout-error" role="alert">{formError}</div>}
        <TextInputField label="User name" value={username} onChange={setUsername} error={errors.username} autoFocus autoComplete="off" description="Up to 64 characters, as the clients send it." />
        <TextInputField label="Password" type="password" value={password} onChange={setPassword} error={errors.password} autoComplete="new-password" description="At least 8 characters." />
        <TextInputField label="Confirm password" type="password" value={confirmation} onChange={setConfirmation} error={errors.confirmation} autoComplete="new-password" />
        <TextInputField label="Description" value={description} onChange={setDescription} error={errors.description} autoComplete="off" description="Optional: which devices or applications use it." />
      </Form>
    </AppDialog>
  );
}
