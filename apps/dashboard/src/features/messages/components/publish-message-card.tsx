import { publishBody } from '@mqdash/contracts';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { CheckboxField, SelectField, TextAreaField, TextInputField } from '../../../components/ui/fields';
import { errorMessage } from '../../../lib/api-client';
import { serverFieldError, zodFieldErrors, type FieldErrors } from '../../../lib/form-errors';
import { toast } from '../../../lib/toast';
import { usePublishMessage } from '../api/publish-message';
import { toPublishPayload, type PublishFormat } from '../lib/payload';

const formatOptions = [
  { id: 'utf8', label: 'Text (UTF-8)' },
  { id: 'json', label: 'JSON' },
  { id: 'hex', label: 'Hex' },
  { id: 'base64', label: 'Base64' },
] as const;
const qosOptions = [
  { id: '0', label: '0 — at most once' },
  { id: '1', label: '1 — at least once' },
  { id: '2', label: '2 — exactly once' },
] as const;

/** Publish a test message as the session (publishMessagesToMq): topic, payload, QoS, retain. */
export function PublishMessageCard({ clientName, defaultTopic, onPublished }: { clientName: string; defaultTopic: string; onPublished?: (topic: string) => void }) {
  const [topic, setTopic] = useState(defaultTopic);
  const [payload, setPayload] = useState('');
  const [format, setFormat] = useState<PublishFormat>('utf8');
  const [qos, setQos] = useState<'0' | '1' | '2'>('1');
  const [retain, setRetain] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const publish = usePublishMessage();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (publish.isPending) return;
    setFormError(null);
    const converted = toPublishPayload(payload, format);
    if ('error' in converted) {
      setErrors({ payload: converted.error });
      return;
    }
    const parsed = publishBody.safeParse({ topic, ...converted, qos: Number(qos), retain });
    if (!parsed.success) {
      const next = zodFieldErrors(parsed.error);
      if (!topic) next.topic = 'Enter a topic';
      setErrors(next);
      return;
    }
    setErrors({});
    publish.mutate(
      { clientName, message: { ...parsed.data, topic } },
      {
        onSuccess: () => {
          toast.success('Message published', `${topic} (QoS ${qos}${retain ? ', retained' : ''})`);
          onPublished?.(topic);
        },
        onError: (error) => {
          const field = serverFieldError(error);
          if (field && ['topic', 'payload', 'qos'].includes(field.field)) setErrors({ [field.field]: field.message });
          else setFormError(errorMessage(error));
        },
      },
    );
  };

  return (
    <Card title="Publish a test message">
      <Form onSubmit={submit} validationBehavior="aria" className="stack" aria-label="Publish a test message">
        <p className="muted small">
          Published as <span className="mono">{clientName}</span>: subscribers get it from this session, and it counts in the session’s statistics.
        </p>
        {formError && <div className="callout callout-error" role="alert">{formError}</div>}
        <TextInputField label="Topic" value={topic} onChange={setTopic} error={errors.topic} placeholder="sensors/line-1/temperature" autoComplete="off" />
        <TextAreaField label="Payload" value={payload} onChange={setPayload} error={errors.payload} rows={5} placeholder={format === 'json' ? '{"temperature": 21.5}' : format === 'hex' ? '48 65 6c 6c 6f' : 'Hello'} />
        <div className="publish-row">
          <SelectField label="Payload format" options={formatOptions} value={format} onChange={setFormat} />
          <SelectField label="QoS" options={qosOptions} value={qos} onChange={setQos} error={errors.qos} />
        </div>
        <div className="check-row publish-actions">
          <CheckboxField isSelected={retain} onChange={setRetain}>Retain</CheckboxField>
          <Button type="submit" variant="primary" isPending={publish.isPending}>
            Publish
          </Button>
        </div>
      </Form>
    </Card>
  );
}
