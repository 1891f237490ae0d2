import type { MqttUserInfo } from '@mqdash/contracts';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { Plus } from '../../../components/ui/icons';
import { Spinner } from '../../../components/ui/spinner';
import { ErrorState } from '../../../components/ui/states';
import { errorMessage } from '../../../lib/api-client';
import { plural } from '../../../lib/format';
import { useCan } from '../../../lib/permissions';
import { toast } from '../../../lib/toast';
import { useAlterMqttUser } from '../api/alter-mqtt-user';
import { useDeleteMqttUser } from '../api/delete-mqtt-user';
import { useMqttAuthSettings } from '../api/get-mqtt-auth-settings';
import { useMqttUsers } from '../api/list-mqtt-users';
import { AnonymousAccess } from './anonymous-access';
import { ClientIdBindingField } from './client-id-binding';
import { CreateMqttUserDialog } from './create-mqtt-user-dialog';
import { MqttUsersTable } from './mqtt-users-table';
import { ResetPasswordDialog } from './reset-password-dialog';

const clientsNow = (user: MqttUserInfo | null) => plural(user?.connectedClients ?? 0, 'client');

/**
 * Settings → MQTT clients (issue 6): whether anonymous clients may connect, and the accounts
 * clients authenticate with — create, enable/disable, reset password, delete. Disabling or
 * deleting an account disconnects its clients, so both ask first.
 */
export function MqttClientsCard() {
  const settings = useMqttAuthSettings();
  const users = useMqttUsers();
  const alter = useAlterMqttUser();
  const remove = useDeleteMqttUser();
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<MqttUserInfo | null>(null);
  const [disabling, setDisabling] = useState<MqttUserInfo | null>(null);
  const [deleting, setDeleting] = useState<MqttUserInfo | null>(null);
  // Issue 12: MQTT accounts and anonymous access are an administrator's; others see them read-only.
  const canManage = useCan('administrator');

  const setEnabled = (user: MqttUserInfo, enabled: boolean) =>
    alter.mutate(
      { username: user.username, enabled },
      {
        onSuccess: (result) => {
          setDisabling(null);
          toast.success(enabled ? 'MQTT account enabled' : 'MQTT account disabled', result.disconnectedClients ? `${plural(result.disconnectedClients, 'client')} disconnected.` : result.username);
        },
      },
    );

  return (
    <Card
      title="MQTT clients"
      className="mqtt-clients-card"
      actions={
        canManage && (
          <Button size="sm" variant="primary" onPress={() => setCreating(true)}>
            <Plus /> Create account
          </Button>
        )
      }
    >
      <p className="muted card-lead">
        Who may connect to the broker over MQTT (TCP and WebSocket). Clients sign in with the user name and password of an account below. The dashboard’s own live connection and MQ API sessions need no account.
      </p>
      {settings.isPending ? (
        <Spinner label="Loading MQTT access settings…" />
      ) : settings.isError ? (
        <ErrorState title="Could not load the MQTT access settings" message={errorMessage(settings.error)} onRetry={() => void settings.refetch()} />
      ) : (
        <>
          <AnonymousAccess settings={settings.data} readOnly={!canManage} />
          {!settings.data.usernamesChecked && (
            <p className="callout mqtt-unchecked">
              No accounts yet, so user names that clients send are recorded but not checked. Once the first account exists, a client that sends a user name must give an enabled account’s password.
            </p>
          )}
          <ClientIdBindingField settings={settings.data} readOnly={!canManage} />
        </>
      )}
      <h3 className="card-subtitle mqtt-accounts-title">Accounts</h3>
      {users.isPending ? (
        <Spinner label="Loading MQTT accounts…" />
      ) : users.isError ? (
        <ErrorState title="Could not load the MQTT accounts" message={errorMessage(users.error)} onRetry={() => void users.refetch()} />
      ) : users.data.length === 0 ? (
        <p className="muted empty-line">No MQTT accounts yet.</p>
      ) : (
        <MqttUsersTable
          users={users.data}
          pendingUsername={alter.isPending ? alter.variables?.username : undefined}
          onEnable={(u) => setEnabled(u, true)}
          onDisable={setDisabling}
          onResetPassword={setResetting}
          onDelete={setDeleting}
          readOnly={!canManage}
        />
      )}
      <CreateMqttUserDialog isOpen={creating} onOpenChange={setCreating} isFirst={users.data?.length === 0} />
      <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />
      <ConfirmDialog
        isOpen={disabling !== null}
        onOpenChange={(open) => !open && setDisabling(null)}
        title="Disable MQTT account?"
        confirmLabel={disabling?.connectedClients ? `Disable and disconnect ${clientsNow(disabling)}` : 'Disable account'}
        isPending={alter.isPending}
        onConfirm={() => disabling && setEnabled(disabling, false)}
      >
        <p>
          Clients using <span className="mono">{disabling?.username}</span> are refused until you enable it again.
          {disabling?.connectedClients ? ` The ${clientsNow(disabling)} connected now ${disabling.connectedClients === 1 ? 'is' : 'are'} disconnected at once.` : ''}
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        isOpen={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title="Delete MQTT account?"
        confirmLabel="Delete account"
        isPending={remove.isPending}
        onConfirm={() => {
          const user = deleting;
          if (!user) return;
          remove.mutate(user.username, {
            onSuccess: (result) => {
              toast.success('MQTT account deleted', result.disconnectedClients ? `${plural(result.disconnectedClients, 'client')} disconnected.` : user.username);
              setDeleting(null);
            },
          });
        }}
      >
        <p>
          Clients using <span className="mono">{deleting?.username}</span> are refused from now on.
          {deleting?.connectedClients ? ` The ${clientsNow(deleting)} connected now ${deleting.connectedClients === 1 ? 'is' : 'are'} disconnected at once.` : ''} This cannot be undone.
        </p>
      </ConfirmDialog>
    </Card>
  );
}
