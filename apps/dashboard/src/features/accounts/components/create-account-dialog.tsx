import type { Role } from '@mqdash/contracts';
import { useState, type FormEvent } from 'react';
import { FormDialog } from '../../../components/ui/dialog';
import { SelectField, TextInputField } from '../../../components/ui/fields';
import { errorMessage } from '../../../lib/api-client';
import { serverFieldError, type FieldErrors } from '../../../lib/form-errors';
import { roleOptions } from '../../../lib/permissions';
import { toast } from '../../../lib/toast';
import { useCreateAccount } from '../api/create-account';
import { accountErrors } from '../lib/account-form';

const FIELDS = ['username', 'password', 'role', 'accountDescription'] as const;

/**
 * Create an administrator account (issue 12): username, password typed twice, role (viewer unless
 * chosen), description. Checked with the contracts schemas first; the server's answer lands beside
 * the field it names.
 */
export function CreateAccountDialog({ isOpen, onOpenChange }: { isOpen: boolean; onOpenChange: (open: boolean) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useCreateAccount();

  const close = () => {
    onOpenChange(false);
    setUsername('');
    setPassword('');
    setConfirmation('');
    setRole('viewer');
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
      { username, password, role, accountDescription: description },
      {
        onSuccess: (account) => {
          toast.success('Account created', `${account.username} can sign in as ${account.role}.`);
          close();
        },
        onError: (error) => {
          const field = serverFieldError(error);
          if (field && (FIELDS as readonly string[]).includes(field.field)) setErrors({ [field.field === 'accountDescription' ? 'description' : field.field]: field.message });
          else setFormError(errorMessage(error));
        },
      },
    );
  };

  return (
    <FormDialog isOpen={isOpen} onClose={close} title="Create account" submitLabel="Create account" onSubmit={submit} isPending={create.isPending}>
      <p className="muted">Someone who signs in to this dashboard and the JSON API. Tell them the password; mqdash keeps only a hash of it.</p>
      {formError && <div className="callout callout-error" role="alert">{formError}</div>}
      <TextInputField label="Username" value={username} onChange={setUsername} error={errors.username} autoFocus autoComplete="off" description="Up to 64 characters." />
      <SelectField label="Role" options={roleOptions} value={role} onChange={setRole} error={errors.role} description="What the account may do. It can be changed later." />
      <TextInputField label="Password" type="password" value={password} onChange={setPassword} error={errors.password} autoComplete="new-password" description="At least 12 characters." />
      <TextInputField label="Confirm password" type="password" value={confirmation} onChange={setConfirmation} error={errors.confirmation} autoComplete="new-password" />
      <TextInputField label="Description" value={description} onChange={setDescription} error={errors.description} autoComplete="off" description="Optional: who uses it." />
    </FormDialog>
  );
}
