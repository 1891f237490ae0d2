import type { ApiKeyInfo } from '@mqdash/contracts';
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { SelectField } from '../../../components/ui/fields';
import { Plus, Trash } from '../../../components/ui/icons';
import { Spinner } from '../../../components/ui/spinner';
import { ErrorState } from '../../../components/ui/states';
import { errorMessage } from '../../../lib/api-client';
import { formatDateTime } from '../../../lib/format';
import { roleLabel, roleShortOptions, useCan } from '../../../lib/permissions';
import { toast } from '../../../lib/toast';
import { useAlterApiKey } from '../api/alter-api-key';
import { useDeleteApiKey } from '../api/delete-api-key';
import { useApiKeys } from '../api/list-api-keys';
import { CreateApiKeyDialog } from './create-api-key-dialog';

function KeyStatus({ apiKey }: { apiKey: ApiKeyInfo }) {
  if (apiKey.expired) return <Badge tone="warning">Expired</Badge>;
  return apiKey.enabled ? <Badge tone="success">Enabled</Badge> : <Badge tone="muted">Disabled</Badge>;
}

/** Settings → API keys: list, create (secret shown once), enable/disable, delete (asks first). */
export function ApiKeysCard() {
  const keys = useApiKeys();
  const setEnabled = useAlterApiKey();
  const setRole = useAlterApiKey();
  const remove = useDeleteApiKey();
  // Issue 12: keys are an administrator's to manage; others see the list.
  const canManage = useCan('administrator');
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<ApiKeyInfo | null>(null);

  return (
    <Card
      title="API keys"
      actions={
        canManage && (
          <Button size="sm" variant="primary" onPress={() => setCreating(true)}>
            <Plus /> Create API key
          </Button>
        )
      }
    >
      <p className="muted card-lead">
        Keys for the EMQX-compatible Clients API (<span className="mono">/api/v5</span>), so existing EMQX tooling can list, kick and subscribe sessions.
      </p>
      {keys.isPending ? (
        <Spinner label="Loading API keys…" />
      ) : keys.isError ? (
        <ErrorState title="Could not load the API keys" message={errorMessage(keys.error)} onRetry={() => void keys.refetch()} />
      ) : keys.data.length === 0 ? (
        <p className="muted empty-line">No API keys yet.</p>
      ) : (
        <div className="mini-table-scroll">
          <table className="mini-table api-keys-table">
            <caption className="sr-only">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">API key</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                {canManage && <th scope="col"><span className="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.name}>
                  <td>
                    <span className="mono key-name">{k.name}</span>
                    {k.description && <span className="muted small block">{k.description}</span>}
                    {k.source === 'bootstrapFile' && <span className="tag small">bootstrap file</span>}
                  </td>
                  <td className="mono">{k.apiKey}</td>
                  <td>
                    {canManage ? (
                      <SelectField
                        label={`Role of ${k.name}`}
                        hideLabel
                        options={roleShortOptions}
                        value={k.role}
                        isDisabled={setRole.isPending && setRole.variables?.name === k.name}
                        onChange={(role) => role !== k.role && setRole.mutate({ name: k.name, role }, { onSuccess: (key) => toast.success('Role changed', `${key.name} is now ${roleLabel[key.role].toLowerCase()}.`) })}
                        className="role-select"
                      />
                    ) : (
                      roleLabel[k.role]
                    )}
                  </td>
                  <td><KeyStatus apiKey={k} /></td>
                  <td className="nowrap">
                    {formatDateTime(k.createdDateTime)}
                    {k.createdBy && <span className="muted small block">by {k.createdBy}</span>}
                  </td>
                  <td className="nowrap">{k.lastUsedDateTime ? formatDateTime(k.lastUsedDateTime) : <span className="muted">Never</span>}</td>
                  {canManage && <td className="cell-actions">
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`${k.enabled ? 'Disable' : 'Enable'} ${k.name}`}
                      isPending={setEnabled.isPending && setEnabled.variables?.name === k.name}
                      onPress={() =>
                        setEnabled.mutate(
                          { name: k.name, enabled: !k.enabled },
                          { onSuccess: (key) => toast.success(key.enabled ? 'API key enabled' : 'API key disabled', key.name) },
                        )
                      }
                    >
                      {k.enabled ? 'Disable' : 'Enable'}
                    </Button>
                    <Button size="sm" variant="danger-ghost" aria-label={`Delete ${k.name}`} onPress={() => setDeleting(k)}>
                      <Trash /> Delete
                    </Button>
                  </td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateApiKeyDialog isOpen={creating} onOpenChange={setCreating} />
      <ConfirmDialog
        isOpen={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title="Delete API key?"
        confirmLabel="Delete key"
        isPending={remove.isPending}
        onConfirm={() => {
          const key = deleting;
          if (!key) return;
          remove.mutate(key.name, {
            onSuccess: () => {
              toast.success('API key deleted', key.name);
              setDeleting(null);
            },
          });
        }}
      >
        <p>
          Requests with <span className="mono">{deleting?.name}</span> are refused from now on. This cannot be undone.
          {deleting?.source === 'bootstrapFile' && ' The key comes from the bootstrap file, which creates it again at the next start unless it is removed there.'}
        </p>
      </ConfirmDialog>
    </Card>
  );
}
