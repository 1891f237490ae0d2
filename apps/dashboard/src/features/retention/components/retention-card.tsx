import type { RetentionPolicy, RetentionPolicyInfo, RetentionPreview } from '@mqdash/contracts';
import { useState, type ReactNode } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { CheckboxField, SwitchField, TextInputField } from '../../../components/ui/fields';
import { Spinner } from '../../../components/ui/spinner';
import { ErrorState } from '../../../components/ui/states';
import { errorMessage } from '../../../lib/api-client';
import { formatDateTime, formatRelative, plural } from '../../../lib/format';
import { serverFieldError, type FieldErrors } from '../../../lib/form-errors';
import { toast } from '../../../lib/toast';
import { useAlterRetentionPolicy, usePreviewRetention, useRetentionPolicy } from '../api/retention';
import { retentionCountsText as countsText } from '../../../lib/retention-text';
import { parseForm, toForm, type RetentionForm } from '../lib/retention-form';

function PreviewResult({ preview }: { preview: RetentionPreview }) {
  const w = preview.wouldRemove;
  return (
    <div className="retention-preview" role="status">
      <p>
        <strong>If it ran now</strong>, it would remove {countsText(w)}.
      </p>
      <ul className="muted small">
        <li>Sessions last seen before {formatDateTime(preview.sessionsCutoffDateTime)}.</li>
        {preview.queuedMessagesCutoffDateTime && <li>Messages queued for offline sessions before {formatDateTime(preview.queuedMessagesCutoffDateTime)}.</li>}
        {preview.permanentSessionsKept > 0 && <li>{plural(preview.permanentSessionsKept, 'permanent session')} as old {preview.permanentSessionsKept === 1 ? 'is' : 'are'} kept (not included).</li>}
        {preview.bannedSessionsKept > 0 && <li>{plural(preview.bannedSessionsKept, 'banned session')} as old {preview.bannedSessionsKept === 1 ? 'is' : 'are'} kept, so the ban holds.</li>}
        {preview.notes.map((n) => <li key={n}>{n}</li>)}
      </ul>
    </div>
  );
}

function LastRun({ info }: { info: RetentionPolicyInfo }) {
  const run = info.lastRun;
  return (
    <p className="muted small">
      {run ? <>Last run {formatRelative(run.finishedDateTime)}: removed {countsText(run.removed)}{run.error ? ` (stopped early: ${run.error})` : ''}.</> : 'It has not run yet.'}
      {info.policy.enabled && info.nextRunDateTime && <> Next run {formatRelative(info.nextRunDateTime)}.</>}
      {info.source === 'dashboard' && info.updatedDateTime && <> Changed {formatDateTime(info.updatedDateTime)}{info.updatedBy ? ` by ${info.updatedBy}` : ''}.</>}
    </p>
  );
}

/**
 * Settings → Retention (issue 14): how long offline sessions and the audit log are kept. A dry run
 * shows what would go; switching the policy on shows that count first and asks.
 */
export function RetentionCard() {
  const info = useRetentionPolicy();
  const alter = useAlterRetentionPolicy();
  const preview = usePreviewRetention();
  // The form shows the stored policy until edited; saving hands it back to the stored one.
  const [edited, setForm] = useState<RetentionForm | null>(null);
  const form = edited ?? (info.data ? toForm(info.data.policy) : null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [confirming, setConfirming] = useState<{ policy: RetentionPolicy; preview: RetentionPreview } | null>(null);

  if (info.isError && !info.data) return <Card title="Retention"><ErrorState title="The retention policy could not be loaded" message={errorMessage(info.error)} onRetry={() => void info.refetch()} /></Card>;
  if (!info.data || !form) return <Card title="Retention"><Spinner label="Loading the retention policy" /></Card>;

  const set = <K extends keyof RetentionForm>(key: K, value: RetentionForm[K]) => {
    setForm({ ...form, [key]: value });
    setErrors(({ [key]: _, ...rest }) => rest);
    preview.reset();
  };
  const checked = (): RetentionPolicy | null => {
    const r = parseForm(form);
    setErrors(r.errors ?? {});
    return r.policy ?? null;
  };
  const save = (policy: RetentionPolicy) =>
    alter.mutate(policy, {
      onSuccess: (saved) => {
        setConfirming(null);
        setForm(null);
        toast.success(saved.policy.enabled ? 'Retention policy saved and on' : 'Retention policy saved', saved.policy.enabled ? 'It runs every hour.' : 'It is off: nothing is removed.');
      },
      onError: (error) => {
        setConfirming(null);
        const field = serverFieldError(error);
        if (field) setErrors({ [field.field]: field.message });
        else toast.error('The retention policy was not saved', errorMessage(error));
      },
    });
  const onSave = () => {
    const policy = checked();
    if (!policy) return;
    // On means removing: the count comes first.
    if (policy.enabled) preview.mutate(policy, { onSuccess: (p) => setConfirming({ policy, preview: p }) });
    else save(policy);
  };
  const onPreview = () => {
    const policy = checked();
    if (policy) preview.mutate(policy);
  };
  const field = (key: 'sessionsNotConnectedForDays' | 'auditLogMaxAgeDays' | 'auditLogMaxEntries' | 'queuedMessagesMaxAgeDays' | 'sessionEventsMaxAgeDays', label: string, description: string, suffix: string) => (
    <TextInputField label={label} description={description} value={form[key]} onChange={(v) => set(key, v)} error={errors[key]} inputMode="numeric" suffix={suffix} />
  );

  /** A group of the form: its fields in the grid. */
  const section = (legend: string, fields: ReactNode) => (
    <fieldset className="form-section">
      <legend>{legend}</legend>
      <div className="form-grid form-grid-wide retention-grid">{fields}</div>
    </fieldset>
  );

  return (
    <Card title="Retention">
      <Form className="stack" onSubmit={(e) => { e.preventDefault(); onSave(); }}>
        <p className="card-lead muted">
          Removes sessions that have not connected for a while and, if you choose, old queued messages, and keeps the audit log bounded. It runs every hour in small
          steps while the broker keeps serving, and reports what it removed in the audit log and on the overview. Banned
          sessions are never removed, so their bans hold.
        </p>
        <SwitchField isSelected={form.enabled} onChange={(v) => set('enabled', v)}>Apply the retention policy every hour</SwitchField>
        <fieldset className="form-section">
          <legend>Sessions</legend>
          <div className="form-grid form-grid-wide retention-grid">
            {field('sessionsNotConnectedForDays', 'Remove sessions not connected for', 'Offline temporary sessions and inactive sessions; 1 to 36,500 days.', 'days')}
          </div>
          <CheckboxField isSelected={form.includePermanentSessions} onChange={(v) => set('includePermanentSessions', v)}>
            Also remove permanent sessions (otherwise they stay until deleted)
          </CheckboxField>
        </fieldset>
        {section('Audit log', <>
          {field('auditLogMaxAgeDays', 'Keep audit log entries for', '0 keeps them whatever their age.', 'days')}
          {field('auditLogMaxEntries', 'Keep at most', 'The newest audit log entries; 0 for no limit.', 'entries')}
        </>)}
        {section('Session timelines', field('sessionEventsMaxAgeDays', 'Keep session timeline events for', 'Connects, disconnects, refusals and health turns (at most 200 per session); 0 keeps them whatever their age.', 'days'))}
        {section('Queued messages', field('queuedMessagesMaxAgeDays', 'Remove queued messages older than', 'Messages waiting for an offline session longer than this (not those sent and awaiting acknowledgement); 0 is off.', 'days'))}
        <div className="backup-actions">
          <Button type="submit" variant="primary" isPending={alter.isPending || (preview.isPending && form.enabled)}>Save</Button>
          <Button onPress={onPreview} isPending={preview.isPending && !form.enabled}>Preview</Button>
        </div>
        {preview.isError && <p className="callout callout-error" role="alert">The preview failed: {errorMessage(preview.error)}</p>}
        {preview.data && !confirming && <PreviewResult preview={preview.data} />}
        <LastRun info={info.data} />
      </Form>
      <ConfirmDialog
        isOpen={confirming !== null}
        onOpenChange={(open) => !open && setConfirming(null)}
        title="Apply the retention policy?"
        confirmLabel="Save and apply"
        isPending={alter.isPending}
        onConfirm={() => confirming && save(confirming.policy)}
      >
        {confirming && (
          <div className="stack">
            <p>Within a few minutes, and then every hour, it removes what is past the policy. What is removed cannot be brought back (except from a backup).</p>
            <PreviewResult preview={confirming.preview} />
          </div>
        )}
      </ConfirmDialog>
    </Card>
  );
}
