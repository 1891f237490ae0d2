import { apiKeyNameSchema, type CreateApiKeyResult, type Role } from '@mqdash/contracts';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { CopyField } from '../../../components/ui/copy-field';
import { AppDialog } from '../../../components/ui/dialog';
import { SelectField, TextInputField } from '../../../components/ui/fields';
import { Alert } from '../../../components/ui/icons';
import { errorMessage } from '../../../lib/api-client';
import { issueMessage, serverFieldError } from '../../../lib/form-errors';
import { roleOptions } from '../../../lib/permissions';
import { useCreateApiKey } from '../api/create-api-key';

const FORM_ID = 'create-api-key-form';

/**
 * Create an API key: name and description, then the key and its secret, shown this once with
 * copy buttons (the server keeps only a hash of the secret).
 */
export function CreateApiKeyDialog({ isOpen, onOpenChange }: { isOpen: boolean; onOpenChange: (open: boolean) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [errors, setErrors] = useState<{ name?: string; description?: string; form?: string }>({});
  const [created, setCreated] = useState<CreateApiKeyResult | null>(null);
  const create = useCreateApiKey();

  const close = () => {
    onOpenChange(false);
    setName('');
    setDescription('');
    setRole('viewer');
    setErrors({});
    setCreated(null);
    create.reset();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending) return;
    const parsed = apiKeyNameSchema.safeParse(name);
    if (!parsed.success) {
      setErrors({ name: name ? issueMessage(parsed.error.issues[0]!) : 'Enter a name' });
      return;
    }
    if (description.length > 1024) {
      setErrors({ description: 'Must be at most 1024 characters' });
      return;
    }
    setErrors({});
    create.mutate(
      { name, description, role },
      {
        onSuccess: setCreated,
        onError: (error) => {
          const field = serverFieldError(error);
          if (field?.field === 'name' || field?.field === 'description') setErrors({ [field.field]: field.message });
          else setErrors({ form: errorMessage(error) });
        },
      },
    );
  };

  const origin = typeof location === 'undefined' ? '' : location.origin;
  return (
    <AppDialog
      isOpen={isOpen}
      onOpenChange={(open) => (open ? onOpenChange(true) : close())}
      title={created ? 'API key created' : 'Create API key'}
      isDismissable={false}
      footer={
        created ? (
          <Button variant="primary" onPress={close}>Done</Button>
        ) : (
          <>
            <Button variant="ghost" onPress={close}>Cancel</Button>
            <Button variant="primary" type="submit" form={FORM_ID} isPending={create.isPending}>Create key</Button>
          </>
        )
      }
    >
      {created ? (
        <div className="stack">
          <div className="callout callout-warning secret-warning" role="alert">
            <Alert />
            <span>
              <strong>Copy the secret now. It won’t be shown again.</strong> mqdash keeps only a hash of it; if it is lost, delete the key and create another.
            </span>
          </div>
          <CopyField label="API key" value={created.apiKey} copyLabel="Copy key" />
          <CopyField label="API secret" value={created.apiSecret} copyLabel="Copy secret" />
          <CopyField label="Example request" value={`curl -u '${created.apiKey}:${created.apiSecret}' ${origin}/api/v5/clients`} copyLabel="Copy command" multiline />
        </div>
      ) : (
        <Form id={FORM_ID} onSubmit={submit} validationBehavior="aria" className="stack">
          <p className="muted">A key and secret for the EMQX-compatible API at <span className="mono">/api/v5</span> (HTTP Basic auth: the key as user name, the secret as password).</p>
          {errors.form && <div className="callout callout-error" role="alert">{errors.form}</div>}
          <TextInputField label="Name" value={name} onChange={setName} error={errors.name} autoFocus description="Letters, digits, “_”, “.”, “~” or “-”: how you recognise the key. The key itself is generated." autoComplete="off" />
          <SelectField label="Role" options={roleOptions} value={role} onChange={setRole} description="What requests with this key may do: viewers list and read clients; operators also kick and subscribe them." />
          <TextInputField label="Description" value={description} onChange={setDescription} error={errors.description} description="Optional: what uses the key." autoComplete="off" />
        </Form>
      )}
    </AppDialog>
  );
}
