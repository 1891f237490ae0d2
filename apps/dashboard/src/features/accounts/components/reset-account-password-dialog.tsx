import type { AccountInfo } from '@mqdash/contracts';
import { useState, type FormEvent } from 'react';
import { FormDialog } from '../../../components/ui/dialog';
import { TextInputField } from '../../../components/ui/fields';
import { errorMessage } from '../../../lib/api-client';
import { serverFieldError, type FieldErrors } from '../../../lib/form-errors';
import { toast } from '../../../lib/toast';
import { useAlterAccount } from '../api/alter-account';
import { passwordErrors } from '../lib/account-form';


/** A new password for another account; its sign-ins end at once (it signs in again with the new one). */
export function ResetAccountPasswordDialog({ account, onClose }: { account: AccountInfo | null; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const alter = useAlterAccount(false);

  const close = () => {
    onClose();
    setPassword('');
    setConfirmation('');
    setErrors({});
    setFormError(null);
    alter.reset();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!account || alter.isPending) return;
    setFormError(null);
    const next = passwordErrors(password, confirmation);
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    alter.mutate(
      { username: account.username, password },
      {
        onSuccess: () => {
          toast.success('Password changed', `${account.username} was signed out and signs in with the new password.`);
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

  return (
    <FormDialog isOpen={account !== null} onClose={close} title="Reset password" submitLabel="Set password" onSubmit={submit} isPending={alter.isPending}>
      <p className="muted">
        A new password for <span className="mono">{account?.username}</span>. Its sign-ins end at once, in every browser and script.
      </p>
      {formError && <div className="callout callout-error" role="alert">{formError}</div>}
      <TextInputField label="New password" type="password" value={password} onChange={setPassword} error={errors.password} autoFocus autoComplete="new-password" description="At least 12 characters." />
      <TextInputField label="Confirm new password" type="password" value={confirmation} onChange={setConfirmation} error={errors.confirmation} autoComplete="new-password" />
    </FormDialog>
  );
}
