import { mqttPayloadTypes, type SessionDetail } from '@mqdash/contracts';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { AppDialog, ConfirmDialog } from '../../../components/ui/dialog';
import { CheckboxField, SelectField, TextAreaField, TextInputField } from '../../../components/ui/fields';
import { errorMessage } from '../../../lib/api-client';
import { useEnterSubmitsOnlyOnPurpose } from '../../../lib/form-keys';
import { serverFieldError, type FieldErrors } from '../../../lib/form-errors';
import { toast } from '../../../lib/toast';
import { useAlterSession } from '../api/alter-session';
import { statusText } from '../lib/display';
import { buildPatch, formValuesFrom, type SessionFormValues } from '../lib/session-form';
import { KeyValueEditor } from './key-value-editor';
import { LabelPicker, type LabelSource } from './label-picker';

const statusOptions = (['normal', 'hidden', 'banned', 'inactive'] as const).map((id) => ({ id, label: statusText[id] }));
const payloadTypeOptions = mqttPayloadTypes.map((id) => ({ id, label: id }));
const qosOptions = [
  { id: '0', label: '0 — at most once' },
  { id: '1', label: '1 — at least once' },
  { id: '2', label: '2 — exactly once' },
] as const;
const formatIndicatorOptions = [
  { id: 'none', label: 'none' },
  { id: 'utf8', label: 'utf8' },
] as const;

const FORM_ID = 'session-edit-form';

/**
 * Edit every alterMqSession property; validated with the contracts schema before it is sent.
 * Issue 13: Escape, Close, Cancel and a click outside all ask before discarding unsaved changes.
 */
export function SessionEditDialog({ session, isOpen, onOpenChange, labels }: { session: SessionDetail; isOpen: boolean; onOpenChange: (open: boolean) => void; labels: LabelSource }) {
  const [dirty, setDirty] = useState(false);
  const [askDiscard, setAskDiscard] = useState(false);
  const close = () => {
    setDirty(false);
    setAskDiscard(false);
    onOpenChange(false);
  };
  const requestClose = () => (dirty ? setAskDiscard(true) : close());
  return (
    <>
      <AppDialog isOpen={isOpen} onOpenChange={(open) => (open ? onOpenChange(true) : requestClose())} title={`Edit session ${session.clientName}`} size="lg"
        footer={
          <>
            <Button variant="ghost" onPress={requestClose}>Cancel</Button>
            <Button variant="primary" type="submit" form={FORM_ID}>Save</Button>
          </>
        }
      >
        {/* Mounted per opening, so the form starts from the session as it is now. */}
        {isOpen && <SessionEditForm session={session} labels={labels} onDone={close} onDirtyChange={setDirty} />}
      </AppDialog>
      <ConfirmDialog isOpen={askDiscard} onOpenChange={setAskDiscard} title="Discard unsaved changes?" confirmLabel="Discard changes" onConfirm={close}>
        <p>Your changes to {session.clientName || 'this session'} are not saved yet.</p>
      </ConfirmDialog>
    </>
  );
}

function SessionEditForm({ session, labels, onDone, onDirtyChange }: { session: SessionDetail; labels: LabelSource; onDone: () => void; onDirtyChange: (dirty: boolean) => void }) {
  const [initial] = useState(() => formValuesFrom(session));
  const [values, setValues] = useState<SessionFormValues>(initial);
  useEffect(() => onDirtyChange(JSON.stringify(values) !== JSON.stringify(initial)), [values, initial, onDirtyChange]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const alter = useAlterSession({ errorToast: false });
  const formRef = useRef<HTMLFormElement>(null);
  useEnterSubmitsOnlyOnPurpose(formRef);
  /** After the errors render: bring the first one into view and focus it. */
  const focusFirstError = () =>
    requestAnimationFrame(() => {
      const field = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
      if (field) field.focus();
      else formRef.current?.querySelector('[role="alert"]')?.scrollIntoView({ block: 'nearest' });
    });

  const set = <K extends keyof SessionFormValues>(key: K) => (value: SessionFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const text = (key: keyof SessionFormValues & string, label: string, description?: string, inputMode?: 'numeric' | 'decimal') => (
    <TextInputField label={label} value={values[key] as string} onChange={set(key) as (v: string) => void} error={errors[key]} description={description} inputMode={inputMode} />
  );
  const check = (key: keyof SessionFormValues & string, label: string) => (
    <CheckboxField isSelected={values[key] as boolean} onChange={set(key) as (v: boolean) => void}>{label}</CheckboxField>
  );

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (alter.isPending) return;
    setFormError(null);
    const { patch, errors: found } = buildPatch(session.clientName, values, initial);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setFormError(`Please correct ${Object.keys(found).length === 1 ? 'the field' : 'the fields'} marked below.`);
      focusFirstError();
      return;
    }
    if (Object.keys(patch).length === 0) {
      toast({ tone: 'info', title: 'Nothing to save', description: 'No setting was changed.' });
      onDone();
      return;
    }
    alter.mutate(
      { clientName: session.clientName, patch },
      {
        onSuccess: () => {
          toast.success('Session saved', `${Object.keys(patch).length} setting${Object.keys(patch).length === 1 ? '' : 's'} changed.`);
          onDone();
        },
        onError: (error) => {
          const field = serverFieldError(error);
          if (field) setErrors({ [field.field]: field.message });
          setFormError(`The server refused the change: ${errorMessage(error)}`);
          focusFirstError();
        },
      },
    );
  };

  return (
    <Form id={FORM_ID} ref={formRef} onSubmit={submit} validationBehavior="aria" className="edit-form">
      {formError && <div className="callout callout-error" role="alert">{formError}</div>}
      {alter.isPending && <p className="muted" role="status">Saving…</p>}

      <fieldset className="form-section">
        <legend>General</legend>
        <div className="form-grid">
          <SelectField label="Session status" options={statusOptions} value={values.sessionStatus} onChange={set('sessionStatus')} error={errors.sessionStatus} />
          <SelectField label="MQTT payload type" options={payloadTypeOptions} value={values.mqttPayloadType} onChange={set('mqttPayloadType')} error={errors.mqttPayloadType} />
          {text('keepAliveSeconds', 'Keep-alive (seconds)', '0 turns keep-alive off. Takes effect at the next connection.', 'numeric')}
          <div className="field-stack">
            <TextInputField label="Session expiry interval (seconds)" value={values.sessionExpiryInterval} onChange={set('sessionExpiryInterval')} isDisabled={values.sessionExpiryNever} error={errors.sessionExpiryInterval} inputMode="numeric" />
            {check('sessionExpiryNever', 'Never expires')}
          </div>
        </div>
        <div className="check-row">
          {check('temporarySession', 'Temporary session')}
        </div>
        {errors.temporarySession && <p className="field-error">{errors.temporarySession}</p>}
      </fieldset>

      <fieldset className="form-section">
        <legend>MQTT 5 limits</legend>
        <div className="form-grid">
          {text('receiveMaximum', 'Receive maximum', '1 to 65,535 in-flight QoS 1 and 2 messages.', 'numeric')}
          {text('maximumPacketSize', 'Maximum packet size (bytes)', '1 to 268,435,460.', 'numeric')}
          {text('topicAliasMaximum', 'Topic alias maximum', '0 to 65,535.', 'numeric')}
        </div>
        <div className="check-row">
          {check('requestProblemInformation', 'Request problem information')}
          {check('requestResponseInformation', 'Request response information')}
        </div>
      </fieldset>

      <fieldset className="form-section">
        <legend>Health thresholds</legend>
        <p className="muted small">0 means not set. Decimals such as 0.1 are allowed.</p>
        <div className="form-grid">
          {text('minHealthySendRatePerMinute', 'Minimum send rate per minute', undefined, 'decimal')}
          {text('maxHealthySendRatePerMinute', 'Maximum send rate per minute', undefined, 'decimal')}
          {text('maxHealthyBacklogRatePerMinute', 'Maximum backlog rate per minute', undefined, 'decimal')}
          {text('minHealthySubscribedTopicFiltersCount', 'Minimum subscribed topic filters', undefined, 'decimal')}
          {text('maxHealthySubscribedTopicFiltersCount', 'Maximum subscribed topic filters', undefined, 'decimal')}
        </div>
      </fieldset>

      <fieldset className="form-section">
        <legend>Will message</legend>
        <div className="form-grid">
          {text('willTopic', 'Will topic', 'Empty: no will message.')}
          <SelectField label="Will QoS" options={qosOptions} value={values.willQoS} onChange={set('willQoS')} error={errors.willQoS} description="Reserved: the server stores 2." />
          {text('willContentType', 'Will content type')}
          {text('willResponseTopic', 'Will response topic')}
          <SelectField label="Will payload format indicator" options={formatIndicatorOptions} value={values.willPayloadFormatIndicator} onChange={set('willPayloadFormatIndicator')} error={errors.willPayloadFormatIndicator} />
          {text('willExpirySeconds', 'Will expiry (seconds)', undefined, 'numeric')}
          {text('willDelaySeconds', 'Will delay (seconds)', undefined, 'numeric')}
        </div>
        <div className="form-grid form-grid-wide">
          <div className="field-stack">
            <TextAreaField label="Will payload" value={values.willPayload} onChange={set('willPayload')} error={errors.willPayload} rows={3} />
            <CheckboxField isSelected={values.willPayloadMode === 'json'} onChange={(json) => set('willPayloadMode')(json ? 'json' : 'text')}>Will payload is JSON</CheckboxField>
          </div>
          <div className="field-stack">
            <TextAreaField label="Will correlation data" value={values.willCorrelationData} onChange={set('willCorrelationData')} error={errors.willCorrelationData} rows={3} />
            <CheckboxField isSelected={values.willCorrelationDataMode === 'json'} onChange={(json) => set('willCorrelationDataMode')(json ? 'json' : 'text')}>Will correlation data is JSON</CheckboxField>
          </div>
        </div>
        <div className="check-row">{check('willRetain', 'Will retain')}</div>
        <h3 className="form-subheading">Will user properties</h3>
        <KeyValueEditor noun="Will user property" name="willUserProperties" value={values.willUserProperties} onChange={set('willUserProperties')} errors={errors} />
      </fieldset>

      <fieldset className="form-section">
        <legend>User properties</legend>
        <KeyValueEditor noun="User property" name="userProperties" value={values.userProperties} onChange={set('userProperties')} errors={errors} />
      </fieldset>

      <fieldset className="form-section">
        <legend>Label and metadata</legend>
        <LabelPicker
          choices={labels.choices}
          onCreate={labels.onCreate}
          value={values.labelGroup === '' && values.labelName === '' ? null : { group: values.labelGroup, name: values.labelName }}
          onChange={(l) => setValues((v) => ({ ...v, labelGroup: l?.group ?? '', labelName: l?.name ?? '' }))}
          error={errors['label.name'] ?? errors['label.group'] ?? errors.label}
        />
        <TextAreaField label="Metadata (JSON)" value={values.metadata} onChange={set('metadata')} error={errors.metadata} rows={5} />
      </fieldset>
    </Form>
  );
}
