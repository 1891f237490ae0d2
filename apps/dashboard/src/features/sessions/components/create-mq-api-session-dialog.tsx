import { createMqApiSessionParams, NEVER_EXPIRES, type SessionDetail } from '@mqdash/contracts';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { AppDialog } from '../../../components/ui/dialog';
import { CheckboxField, TextInputField } from '../../../components/ui/fields';
import { errorMessage, isApiError } from '../../../lib/api-client';
import { serverFieldError, zodFieldErrors, type FieldErrors } from '../../../lib/form-errors';
import { useCreateMqApiSession } from '../api/create-mq-api-session';
import { LabelPicker, type LabelRef, type LabelSource } from './label-picker';

const FORM_ID = 'create-mq-api-session-form';

/** createMqApiSession (seed 003): an empty name gets a generated one; a taken name is refused (409). */
export function CreateMqApiSessionDialog({ isOpen, onOpenChange, onCreated, labels }: { isOpen: boolean; onOpenChange: (open: boolean) => void; onCreated: (session: SessionDetail) => void; labels: LabelSource }) {
  return (
    <AppDialog isOpen={isOpen} onOpenChange={onOpenChange} title="Create MQ API session" isDismissable={false}
      footer={
        <>
          <Button variant="ghost" onPress={() => onOpenChange(false)}>Cancel</Button>
          <Button variant="primary" type="submit" form={FORM_ID}>Create</Button>
        </>
      }
    >
      {isOpen && <CreateForm onCreated={onCreated} labels={labels} />}
    </AppDialog>
  );
}

function CreateForm({ onCreated, labels }: { onCreated: (session: SessionDetail) => void; labels: LabelSource }) {
  const [clientName, setClientName] = useState('');
  const [temporarySession, setTemporary] = useState(false);
  const [keepAlive, setKeepAlive] = useState('0');
  const [expiry, setExpiry] = useState('');
  const [label, setLabel] = useState<LabelRef | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useCreateMqApiSession();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending) return;
    setFormError(null);
    const found: FieldErrors = {};
    const params: Record<string, unknown> = { clientName: clientName.trim(), temporarySession };
    if (!/^\d+$/.test(keepAlive.trim())) found.keepAliveSeconds = 'Must be a whole number of seconds';
    else params.keepAliveSeconds = Number(keepAlive);
    // Seed 003: empty expiry follows temporarySession (0 if temporary, never if permanent).
    if (expiry.trim() !== '') {
      if (!/^\d+$/.test(expiry.trim())) found.sessionExpiryInterval = 'Must be a whole number of seconds';
      else params.sessionExpiryInterval = Math.min(Number(expiry), NEVER_EXPIRES);
    }
    if (label) params.label = label;
    const parsed = createMqApiSessionParams.safeParse(params);
    const all = { ...(parsed.success ? {} : zodFieldErrors(parsed.error)), ...found };
    setErrors(all);
    if (!parsed.success || Object.keys(found).length > 0) return;
    create.mutate(params, {
      onSuccess: onCreated,
      onError: (error) => {
        if (isApiError(error) && (error.status === 409 || error.code === 'NAME_IN_USE')) {
          setErrors({ clientName: 'This name is already in use by another session' });
          return;
        }
        const field = serverFieldError(error);
        if (field) setErrors({ [field.field]: field.message });
        else setFormError(errorMessage(error));
      },
    });
  };

  return (
    <Form id={FORM_ID} onSubmit={submit} validationBehavior="aria" className="stack">
      {formError && <div className="callout callout-error" role="alert">{formError}</div>}
      <TextInputField label="Client name" value={clientName} onChange={setClientName} error={errors.clientName} autoFocus description="Leave empty to have a unique name generated. MQTT and MQ API sessions share one namespace." />
      <CheckboxField isSelected={temporarySession} onChange={setTemporary}>Temporary session</CheckboxField>
      <div className="form-grid">
        <TextInputField label="Keep-alive (seconds)" value={keepAlive} onChange={setKeepAlive} error={errors.keepAliveSeconds} inputMode="numeric" />
        <TextInputField label="Session expiry interval (seconds)" value={expiry} onChange={setExpiry} error={errors.sessionExpiryInterval} inputMode="numeric" description={temporarySession ? 'Empty: 0, ends with its auth token.' : 'Empty: never expires.'} />
      </div>
      <LabelPicker choices={labels.choices} onCreate={labels.onCreate} value={label} onChange={setLabel} error={errors['label.name'] ?? errors['label.group'] ?? errors.label} />
      {create.isPending && <p className="muted" role="status">Creating…</p>}
    </Form>
  );
}
