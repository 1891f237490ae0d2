import { changePasswordBody } from '@mqdash/contracts';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { TextInputField } from '../../../components/ui/fields';
import { errorMessage } from '../../../lib/api-client';
import { serverFieldError, zodFieldErrors, type FieldErrors } from '../../../lib/form-errors';
import { toast } from '../../../lib/toast';
import { useChangePassword } from '../api/change-password';

/** Current password, new password twice; validated with the contracts schema, server errors beside the fields. */
export function ChangePasswordForm() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const change = useChangePassword();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const parsed = changePasswordBody.safeParse({ currentPassword, newPassword });
    const next: FieldErrors = parsed.success ? {} : zodFieldErrors(parsed.error);
    if (!currentPassword) next.currentPassword = 'Enter your current password';
    if (newPassword && confirm !== newPassword) next.confirm = 'The two new passwords differ';
    if (newPassword && newPassword === currentPassword) next.newPassword ??= 'Choose a password different from the current one';
    setErrors(next);
    if (!parsed.success || Object.keys(next).length > 0) return;
    change.mutate(parsed.data, {
      onSuccess: () => {
        setCurrent('');
        setNew('');
        setConfirm('');
        toast.success('Password changed');
      },
      onError: (error) => {
        const field = serverFieldError(error);
        if (field && (field.field === 'currentPassword' || field.field === 'newPassword')) setErrors({ [field.field]: field.message });
        else setFormError(errorMessage(error));
      },
    });
  };

  return (
    <Form onSubmit={submit} validationBehavior="aria" className="stack form-narrow">
      {formError && <div className="callout callout-error" role="alert">{formError}</div>}
      <TextInputField label="Current password" type="password" value={currentPassword} onChange={setCurrent} autoComplete="current-password" error={errors.currentPassword} />
      <TextInputField label="New password" type="password" value={newPassword} onChange={setNew} autoComplete="new-password" description="At least 12 characters." error={errors.newPassword} />
      <TextInputField label="Confirm new password" type="password" value={confirm} onChange={setConfirm} autoComplete="new-password" error={errors.confirm} />
      <div>
        <Button type="submit" variant="primary" isPending={change.isPending}>
          Change password
        </Button>
      </div>
    </Form>
  );
}
