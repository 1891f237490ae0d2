import {
  createTopicPermissionParams, type PermissionAction, type PermissionDecision, type PermissionSubject, type TopicPermission,
} from '@mqdash/contracts';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { SelectField, SwitchField, TextInputField, type Option } from '../../../components/ui/fields';
import { Trash } from '../../../components/ui/icons';
import { Spinner } from '../../../components/ui/spinner';
import { ErrorState } from '../../../components/ui/states';
import { errorMessage } from '../../../lib/api-client';
import { formatDateTime } from '../../../lib/format';
import { submitErrors, zodFieldErrors, type FieldErrors } from '../../../lib/form-errors';
import { useCan } from '../../../lib/permissions';
import { toast } from '../../../lib/toast';
import { useCreateTopicPermission, useDeleteTopicPermission, useSetDefaultPermission, useTopicPermissions } from '../api/topic-permissions';

const subjectOptions: Option<PermissionSubject>[] = [
  { id: 'everyone', label: 'Everyone' },
  { id: 'anonymous', label: 'Anonymous clients' },
  { id: 'account', label: 'One MQTT account' },
];
const decisionOptions: Option<PermissionDecision>[] = [
  { id: 'allow', label: 'Allow' },
  { id: 'deny', label: 'Deny' },
];
const actionOptions: Option<PermissionAction>[] = [
  { id: 'publish', label: 'Publish' },
  { id: 'subscribe', label: 'Subscribe' },
  { id: 'all', label: 'Publish and subscribe' },
];
const actionLabel = Object.fromEntries(actionOptions.map((o) => [o.id, o.label])) as Record<PermissionAction, string>;
const FIELDS = ['subject', 'username', 'permission', 'action', 'topicFilter', 'position'] as const;

const subjectText = (r: TopicPermission) => (r.subject === 'account' ? r.username : r.subject === 'anonymous' ? 'Anonymous clients' : 'Everyone');

/** Add a rule: who, allow/deny, what, topic filter, place; checked with the server's schema. */
function AddRuleForm() {
  const [subject, setSubject] = useState<PermissionSubject>('everyone');
  const [username, setUsername] = useState('');
  const [permission, setPermission] = useState<PermissionDecision>('deny');
  const [action, setAction] = useState<PermissionAction>('publish');
  const [topicFilter, setTopicFilter] = useState('');
  const [position, setPosition] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useCreateTopicPermission();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending) return;
    setFormError(null);
    const body = {
      subject, permission, action, topicFilter,
      ...(subject === 'account' ? { username } : {}),
      ...(position.trim() ? { position: Number(position.trim()) } : {}),
    };
    const parsed = createTopicPermissionParams.safeParse(body);
    const next = parsed.success ? {} : zodFieldErrors(parsed.error);
    if (!topicFilter) next.topicFilter = 'Enter a topic filter';
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    create.mutate(body, {
      onSuccess: (rule) => {
        toast.success('Rule added', `Rule ${rule.position}: ${rule.permission} ${actionLabel[rule.action].toLowerCase()} on ${rule.topicFilter}`);
        setTopicFilter('');
        setPosition('');
      },
      onError: (error) => {
        const { fieldErrors, formError } = submitErrors(error, FIELDS);
        setErrors(fieldErrors);
        setFormError(formError);
      },
    });
  };

  return (
    <Form onSubmit={submit} validationBehavior="aria" className="stack access-form" aria-label="Add a rule">
      <h3 className="card-subtitle">Add a rule</h3>
      {formError && <div className="callout callout-error" role="alert">{formError}</div>}
      <div className="access-form-row">
        <SelectField label="Applies to" options={subjectOptions} value={subject} onChange={setSubject} error={errors.subject} />
        {subject === 'account' && <TextInputField label="MQTT user name" value={username} onChange={setUsername} error={errors.username} autoComplete="off" />}
        <SelectField label="Permission" options={decisionOptions} value={permission} onChange={setPermission} error={errors.permission} />
        <SelectField label="Action" options={actionOptions} value={action} onChange={setAction} error={errors.action} />
      </div>
      <div className="access-form-row">
        <TextInputField
          label="Topic filter"
          value={topicFilter}
          onChange={setTopicFilter}
          error={errors.topicFilter}
          autoComplete="off"
          className="access-form-wide"
          description={<>An MQTT topic filter (+ and # allowed). <span className="mono">%u</span> stands for the client’s user name, <span className="mono">%c</span> for its client ID: <span className="mono">devices/%c/#</span>.</>}
        />
        <TextInputField label="Position" value={position} onChange={setPosition} error={errors.position} inputMode="numeric" autoComplete="off" description="Optional; empty: last." />
      </div>
      <div>
        <Button variant="primary" type="submit" isPending={create.isPending}>Add rule</Button>
      </div>
    </Form>
  );
}

/**
 * Settings → Topic permissions (issue 12): ordered rules that allow or deny publish and
 * subscribe on topic filters; the first that applies decides, else the default. Administrators
 * change them; other roles read.
 */
export function TopicPermissionsCard() {
  const rules = useTopicPermissions();
  const remove = useDeleteTopicPermission();
  const setDefault = useSetDefaultPermission();
  const canChange = useCan('administrator');
  const [deleting, setDeleting] = useState<TopicPermission | null>(null);

  return (
    <Card title="Topic permissions" className="topic-permissions-card">
      <p className="muted card-lead">
        Which topics MQTT clients may publish to and subscribe to. Rules are checked in order; the first that applies decides. A denied subscription gets SUBACK 0x87, a denied QoS 1/2 publish PUBACK/PUBREC 0x87 (MQTT 5) and is dropped.
      </p>
      {rules.isPending ? (
        <Spinner label="Loading topic permissions…" />
      ) : rules.isError ? (
        <ErrorState title="Could not load the topic permissions" message={errorMessage(rules.error)} onRetry={() => void rules.refetch()} />
      ) : (
        <>
          <SwitchField
            isSelected={rules.data.defaultPermission === 'allow'}
            isDisabled={!canChange || setDefault.isPending}
            onChange={(allow) =>
              setDefault.mutate(allow ? 'allow' : 'deny', { onSuccess: (s) => toast.success(`Default policy: ${s.defaultPermission}`) })
            }
          >
            Allow when no rule applies
          </SwitchField>
          <p className="muted small">
            Default policy: <strong>{rules.data.defaultPermission}</strong>. {rules.data.defaultPermission === 'allow' ? 'Anything no rule denies is allowed.' : 'Anything no rule allows is denied.'}
          </p>
          {canChange && <AddRuleForm />}
          <h3 className="card-subtitle">Rules</h3>
          {rules.data.data.length === 0 ? (
            <p className="muted empty-line">No rules: the default policy decides.</p>
          ) : (
            <div className="mini-table-scroll">
              <table className="mini-table topic-permissions-table">
                <caption className="sr-only">Topic permission rules</caption>
                <thead>
                  <tr>
                    <th scope="col" className="num">#</th>
                    <th scope="col">Applies to</th>
                    <th scope="col">Permission</th>
                    <th scope="col">Action</th>
                    <th scope="col">Topic filter</th>
                    <th scope="col">Added</th>
                    {canChange && <th scope="col"><span className="sr-only">Actions</span></th>}
                  </tr>
                </thead>
                <tbody>
                  {rules.data.data.map((r) => (
                    <tr key={r.permissionId}>
                      <th scope="row" className="num">{r.position}</th>
                      <td className={r.subject === 'account' ? 'mono' : ''}>{subjectText(r)}</td>
                      <td>{r.permission === 'allow' ? <Badge tone="success">Allow</Badge> : <Badge tone="danger">Deny</Badge>}</td>
                      <td className="nowrap">{actionLabel[r.action]}</td>
                      <td><span className="mono">{r.topicFilter}</span></td>
                      <td className="nowrap">
                        {formatDateTime(r.createdDateTime)}
                        {r.createdBy && <span className="muted small block">by {r.createdBy}</span>}
                      </td>
                      {canChange && (
                        <td className="cell-actions">
                          <Button size="sm" variant="danger-ghost" aria-label={`Delete rule ${r.position}`} onPress={() => setDeleting(r)}>
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
        </>
      )}
      <ConfirmDialog
        isOpen={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title="Delete rule?"
        confirmLabel="Delete rule"
        isPending={remove.isPending}
        onConfirm={() => {
          const rule = deleting;
          if (!rule) return;
          remove.mutate(rule.permissionId, {
            onSuccess: () => {
              toast.success('Rule deleted', `Rule ${rule.position} on ${rule.topicFilter}`);
              setDeleting(null);
            },
          });
        }}
      >
        <p>
          Rule {deleting?.position} ({deleting?.permission} {deleting && actionLabel[deleting.action].toLowerCase()} on <span className="mono">{deleting?.topicFilter}</span>) no longer applies; the rules after it move up one place.
        </p>
      </ConfirmDialog>
    </Card>
  );
}
