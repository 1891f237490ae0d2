import type { AlertRule, AlertState } from '@mqdash/contracts';
import { useState } from 'react';
import { Badge, type BadgeTone } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { Pencil, Plus, Trash } from '../../../components/ui/icons';
import { Spinner } from '../../../components/ui/spinner';
import { ErrorState } from '../../../components/ui/states';
import { errorMessage } from '../../../lib/api-client';
import { formatRelative } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { toast } from '../../../lib/toast';
import { labelText, useAlertLabels, useAlertRules, useDeleteAlertRule } from '../api/alert-rules';
import { measured, ruleSentence } from '../lib/alert-words';
import { AlertRuleDialog } from './alert-rule-dialog';

const stateBadge: Record<AlertState, [BadgeTone, string]> = { ok: ['success', 'OK'], pending: ['warning', 'Pending'], firing: ['danger', 'Firing'] };

function StateCell({ rule }: { rule: AlertRule }) {
  if (!rule.enabled) return <Badge tone="muted">Off</Badge>;
  const [tone, text] = stateBadge[rule.state];
  const since = rule.state === 'firing' ? rule.firingSinceDateTime : rule.state === 'pending' ? rule.conditionSinceDateTime : undefined;
  return (
    <>
      <Badge tone={tone}>{text}</Badge>
      {since && <span className="muted small block">{rule.state === 'firing' ? 'fired' : 'since'} {formatRelative(since)}</span>}
    </>
  );
}

/**
 * Settings → Alerts (issue 13): rules over the broker's sessions and dropped messages, each with
 * its state as of the last evaluation. Administrators create, edit and delete; other roles read.
 */
export function AlertRulesCard() {
  const rules = useAlertRules();
  const labels = useAlertLabels();
  const labelName = (id: number) => {
    const l = labels.data?.find((x) => x.id === id);
    return l && labelText(l);
  };
  const remove = useDeleteAlertRule();
  const canChange = useCan('administrator');
  /** undefined: closed; null: a new rule; a rule: editing it. */
  const [editing, setEditing] = useState<AlertRule | null | undefined>(undefined);
  const [deleting, setDeleting] = useState<AlertRule | null>(null);

  return (
    <Card title="Alert rules" className="alert-rules-card">
      <p className="muted card-lead">
        A rule fires when its condition has held for the time it names, and resolves when it no longer holds. Both are written to the audit log, shown as a banner above every screen and, when the rule has a webhook, POSTed to it.
      </p>
      {canChange && (
        <div>
          <Button variant="primary" onPress={() => setEditing(null)}><Plus /> New rule</Button>
        </div>
      )}
      {rules.isPending ? (
        <Spinner label="Loading alert rules…" />
      ) : rules.isError ? (
        <ErrorState title="Could not load the alert rules" message={errorMessage(rules.error)} onRetry={() => void rules.refetch()} />
      ) : rules.data.data.length === 0 ? (
        <p className="muted empty-line">No alert rules yet.</p>
      ) : (
        <div className="mini-table-scroll">
          <table className="mini-table alert-rules-table">
            <caption className="sr-only">Alert rules</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Condition</th>
                <th scope="col">State</th>
                <th scope="col">Now</th>
                <th scope="col">Webhook</th>
                {canChange && <th scope="col"><span className="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {rules.data.data.map((r) => (
                <tr key={r.ruleId}>
                  <th scope="row">{r.name}</th>
                  <td className="alert-rule-sentence">{ruleSentence(r, labelName)}</td>
                  <td className="nowrap"><StateCell rule={r} /></td>
                  <td>{r.enabled ? measured(r) : '—'}</td>
                  <td>{r.webhookUrl ? <span className="mono small">{new URL(r.webhookUrl).host}</span> : <span className="muted">None</span>}</td>
                  {canChange && (
                    <td className="cell-actions">
                      <Button size="sm" variant="ghost" aria-label={`Edit rule ${r.name}`} onPress={() => setEditing(r)}>
                        <Pencil /> Edit
                      </Button>
                      <Button size="sm" variant="danger-ghost" aria-label={`Delete rule ${r.name}`} onPress={() => setDeleting(r)}>
                        <Trash /> Delete
                      </Button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing !== undefined && (
        <AlertRuleDialog key={editing?.ruleId ?? 'new'} rule={editing} isOpen onClose={() => setEditing(undefined)} />
      )}
      <ConfirmDialog
        isOpen={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title="Delete alert rule?"
        confirmLabel="Delete rule"
        isPending={remove.isPending}
        onConfirm={() => {
          const rule = deleting;
          if (!rule) return;
          remove.mutate(rule.ruleId, {
            onSuccess: () => {
              toast.success('Alert rule deleted', rule.name);
              setDeleting(null);
            },
          });
        }}
      >
        <p>
          The rule <strong>{deleting?.name}</strong> is no longer evaluated{deleting?.state === 'firing' ? '; its alert, firing now, ends without a resolved notice' : ''}.
        </p>
      </ConfirmDialog>
    </Card>
  );
}
