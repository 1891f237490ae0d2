import { alertConditions, alterAlertRuleParams, createAlertRuleParams, type AlertCondition, type AlertRule } from '@mqdash/contracts';
import { useState, type FormEvent } from 'react';
import { FormDialog } from '../../../components/ui/dialog';
import { SelectField, SwitchField, TextInputField, type Option } from '../../../components/ui/fields';
import { submitErrors, zodFieldErrors, type FieldErrors } from '../../../lib/form-errors';
import { toast } from '../../../lib/toast';
import { labelText, useAlertLabels, useAlterAlertRule, useCreateAlertRule } from '../api/alert-rules';
import { conditionLabel, ruleSentence } from '../lib/alert-words';

const conditionOptions: Option<AlertCondition>[] = alertConditions.map((c) => ({ id: c, label: conditionLabel[c] }));
const FIELDS = ['name', 'condition', 'threshold', 'forMinutes', 'enabled', 'partialClientName', 'labelId', 'webhookUrl', 'webhookSecret'] as const;
/** The label choice that narrows nothing. */
const ANY_LABEL = 'any';

/** A number typed in a text box: empty or not a number stays a string, so the schema names the field. */
const numberOrText = (s: string): number | string => (s.trim() !== '' && Number.isFinite(Number(s.trim())) ? Number(s.trim()) : s);

interface Props {
  /** null: a new rule. */
  rule: AlertRule | null;
  isOpen: boolean;
  onClose: () => void;
}

/**
 * Create or edit an alert rule: checked with the server's schema before sending, the server's
 * answer shown beside the field it names. Editing sends every field but the secret, which is sent
 * only when typed (the server never shows it) or removed.
 */
export function AlertRuleDialog({ rule, isOpen, onClose }: Props) {
  const [name, setName] = useState(rule?.name ?? '');
  const [condition, setCondition] = useState<AlertCondition>(rule?.condition ?? 'offlineSessions');
  const [threshold, setThreshold] = useState(rule ? String(rule.threshold) : '0');
  const [forMinutes, setForMinutes] = useState(rule ? String(rule.forMinutes) : '5');
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [partialClientName, setPartialClientName] = useState(rule?.partialClientName ?? '');
  const [labelChoice, setLabelChoice] = useState(rule?.labelId === undefined ? ANY_LABEL : String(rule.labelId));
  const labels = useAlertLabels();
  const labelOptions: Option[] = [
    { id: ANY_LABEL, label: 'Any label' },
    ...(labels.data ?? []).map((l) => ({ id: String(l.id), label: labelText(l) })),
    // A rule's label that is gone still shows as chosen (the server answers unknownLabel on save).
    ...(labelChoice !== ANY_LABEL && !labels.data?.some((l) => String(l.id) === labelChoice) ? [{ id: labelChoice, label: `Label #${labelChoice}` }] : []),
  ];
  const [webhookUrl, setWebhookUrl] = useState(rule?.webhookUrl ?? '');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [removeSecret, setRemoveSecret] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useCreateAlertRule();
  const alter = useAlterAlertRule();
  const pending = create.isPending || alter.isPending;
  const wholeBroker = condition === 'droppedMessagesPerMinute';

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    setFormError(null);
    const common = {
      name, condition, threshold: numberOrText(threshold), forMinutes: numberOrText(forMinutes), enabled,
    };
    /** Shows the errors (an empty name in words); true when there are none. */
    const showErrors = (found: FieldErrors) => {
      const next = name.trim() ? found : { ...found, name: 'Enter a name' };
      setErrors(next);
      return Object.keys(next).length === 0;
    };
    const onError = (error: unknown) => {
      const r = submitErrors(error, FIELDS);
      setErrors(r.fieldErrors);
      setFormError(r.formError);
    };
    const done = (saved: AlertRule) => {
      toast.success(rule ? 'Alert rule saved' : 'Alert rule created', `${saved.name}: ${ruleSentence(saved)}`);
      onClose();
    };
    if (rule) {
      const body = {
        ruleId: rule.ruleId, ...common,
        partialClientName: wholeBroker || !partialClientName ? null : partialClientName,
        labelId: wholeBroker || labelChoice === ANY_LABEL ? null : Number(labelChoice),
        webhookUrl: webhookUrl || null,
        ...(removeSecret || !webhookUrl ? { webhookSecret: null } : webhookSecret ? { webhookSecret } : {}),
      };
      const parsed = alterAlertRuleParams.safeParse(body);
      if (!showErrors(parsed.success ? {} : zodFieldErrors(parsed.error))) return;
      alter.mutate(body as Parameters<typeof alter.mutate>[0], { onSuccess: done, onError });
    } else {
      const body = {
        ...common,
        ...(!wholeBroker && partialClientName ? { partialClientName } : {}),
        ...(!wholeBroker && labelChoice !== ANY_LABEL ? { labelId: Number(labelChoice) } : {}),
        ...(webhookUrl ? { webhookUrl } : {}),
        ...(webhookUrl && webhookSecret ? { webhookSecret } : {}),
      };
      const parsed = createAlertRuleParams.safeParse(body);
      if (!showErrors(parsed.success ? {} : zodFieldErrors(parsed.error))) return;
      create.mutate(body as Parameters<typeof create.mutate>[0], { onSuccess: done, onError });
    }
  };

  return (
    <FormDialog isOpen={isOpen} onClose={onClose} title={rule ? `Edit alert rule ${rule.name}` : 'New alert rule'} submitLabel={rule ? 'Save rule' : 'Create rule'} onSubmit={submit} isPending={pending}>
      {formError && <div className="callout callout-error" role="alert">{formError}</div>}
      <TextInputField label="Name" value={name} onChange={setName} error={errors.name} autoComplete="off" isRequired />
      <div className="access-form-row">
        <SelectField label="Condition" options={conditionOptions} value={condition} onChange={setCondition} error={errors.condition} className="access-form-wide" />
        <TextInputField label="Threshold" value={threshold} onChange={setThreshold} error={errors.threshold} inputMode="decimal" autoComplete="off" />
        <TextInputField label="For (minutes)" value={forMinutes} onChange={setForMinutes} error={errors.forMinutes} inputMode="decimal" autoComplete="off" description="0: fires at the first check." />
      </div>
      {!wholeBroker && (
        <TextInputField
          label="Client name starts with"
          value={partialClientName}
          onChange={setPartialClientName}
          error={errors.partialClientName}
          autoComplete="off"
          description="Optional: only these sessions count. A whole client name watches one session."
        />
      )}
      {!wholeBroker && (
        <SelectField label="Label" options={labelOptions} value={labelChoice} onChange={setLabelChoice} error={errors.labelId} description="Optional: only sessions carrying this label count." />
      )}
      <TextInputField label="Webhook URL" value={webhookUrl} onChange={setWebhookUrl} error={errors.webhookUrl} autoComplete="off" placeholder="https://hooks.example.com/mqdash" description="Optional: mqdash POSTs JSON here when the rule fires and resolves (3 tries, 5 s each)." />
      {webhookUrl && (
        <TextInputField
          label="Webhook secret"
          type="password"
          value={webhookSecret}
          onChange={setWebhookSecret}
          error={errors.webhookSecret}
          autoComplete="new-password"
          isDisabled={removeSecret}
          description={rule?.webhookSecretSet ? 'Set; leave empty to keep it. Sent as the X-Mqdash-Webhook-Secret header.' : 'Optional: sent as the X-Mqdash-Webhook-Secret header.'}
        />
      )}
      {webhookUrl && rule?.webhookSecretSet && (
        <SwitchField isSelected={removeSecret} onChange={setRemoveSecret}>Remove the secret</SwitchField>
      )}
      <SwitchField isSelected={enabled} onChange={setEnabled}>Enabled</SwitchField>
    </FormDialog>
  );
}
