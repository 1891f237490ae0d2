import type { AccountInfo, Role } from '@mqdash/contracts';
import { useState } from 'react';
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
import { useAlterAccount } from '../api/alter-account';
import { useDeleteAccount } from '../api/delete-account';
import { useAccounts } from '../api/list-accounts';
import { CreateAccountDialog } from './create-account-dialog';
import { ResetAccountPasswordDialog } from './reset-account-password-dialog';

/**
 * Settings → Accounts (issue 12): who signs in to the dashboard and the JSON API, with a role
 * each. Administrators create accounts, change roles, reset passwords and delete accounts (never
 * their own, never the last administrator: the server says why); everyone else sees the list.
 */
export function AccountsCard({ me }: { me: string | undefined }) {
  const accounts = useAccounts();
  const alter = useAlterAccount();
  const remove = useDeleteAccount();
  const canManage = useCan('administrator');
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<AccountInfo | null>(null);
  const [deleting, setDeleting] = useState<AccountInfo | null>(null);

  const setRole = (a: AccountInfo, role: Role) =>
    alter.mutate({ username: a.username, role }, { onSuccess: (changed) => toast.success('Role changed', `${changed.username} is now ${roleLabel[changed.role].toLowerCase()}.`) });

  return (
    <Card
      title="Accounts"
      actions={
        canManage && (
          <Button size="sm" variant="primary" onPress={() => setCreating(true)}>
            <Plus /> Create account
          </Button>
        )
      }
    >
      <p className="muted card-lead">
        Who signs in to this dashboard and the JSON API. Viewers read everything and change nothing; operators also act on sessions (ban, kick, hide, subscribe, publish, edit); administrators also manage accounts, API keys, MQTT clients and settings.
      </p>
      {accounts.isPending ? (
        <Spinner label="Loading accounts…" />
      ) : accounts.isError ? (
        <ErrorState title="Could not load the accounts" message={errorMessage(accounts.error)} onRetry={() => void accounts.refetch()} />
      ) : (
        <div className="mini-table-scroll">
          <table className="mini-table accounts-table">
            <caption className="sr-only">Accounts</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Role</th>
                <th scope="col">Description</th>
                <th scope="col">Created</th>
                {canManage && <th scope="col"><span className="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {accounts.data.map((a) => (
                <tr key={a.username}>
                  <th scope="row">
                    <span className="mono key-name">{a.username}</span>
                    {a.username === me && <span className="tag small">you</span>}
                  </th>
                  <td>
                    {canManage ? (
                      <SelectField
                        label={`Role of ${a.username}`}
                        hideLabel
                        options={roleShortOptions}
                        value={a.role}
                        isDisabled={alter.isPending && alter.variables?.username === a.username}
                        onChange={(role) => role !== a.role && setRole(a, role)}
                        className="role-select"
                      />
                    ) : (
                      roleLabel[a.role]
                    )}
                  </td>
                  <td>{a.accountDescription || <span className="muted">—</span>}</td>
                  <td className="nowrap">
                    {formatDateTime(a.createdDateTime)}
                    {a.createdBy && <span className="muted small block">by {a.createdBy}</span>}
                  </td>
                  {canManage && (
                    <td className="cell-actions">
                      {a.username !== me && (
                        <>
                          <Button size="sm" variant="ghost" aria-label={`Reset password of ${a.username}`} onPress={() => setResetting(a)}>
                            Reset password
                          </Button>
                          <Button size="sm" variant="danger-ghost" aria-label={`Delete ${a.username}`} onPress={() => setDeleting(a)}>
                            <Trash /> Delete
                          </Button>
                        </>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateAccountDialog isOpen={creating} onOpenChange={setCreating} />
      <ResetAccountPasswordDialog account={resetting} onClose={() => setResetting(null)} />
      <ConfirmDialog
        isOpen={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title="Delete account?"
        confirmLabel="Delete account"
        isPending={remove.isPending}
        onConfirm={() => {
          const account = deleting;
          if (!account) return;
          remove.mutate(account.username, {
            onSuccess: () => {
              toast.success('Account deleted', account.username);
              setDeleting(null);
            },
          });
        }}
      >
        <p>
          <span className="mono">{deleting?.username}</span> can no longer sign in, and its sign-ins end at once. Its entries in the audit log stay. This cannot be undone.
        </p>
      </ConfirmDialog>
    </Card>
  );
}
