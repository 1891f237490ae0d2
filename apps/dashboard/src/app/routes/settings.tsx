import { Card, DescriptionList } from '../../components/ui/card';
import { AccountsCard } from '../../features/accounts/components/accounts-card';
import { ApiKeysCard } from '../../features/api-keys/components/api-keys-card';
import { useMe } from '../../features/auth/api/get-me';
import { BackupCard } from '../../features/backup/components/backup-card';
import { ChangePasswordForm } from '../../features/auth/components/change-password-form';
import { MqttClientsCard } from '../../features/mqtt-users/components/mqtt-clients-card';
import { NotificationSettings } from '../../features/notifications/components/notification-settings';
import { RetentionCard } from '../../features/retention/components/retention-card';
import { Can, roleLabel } from '../../lib/permissions';

/** Settings (DESIGN §6): the account and its password, notifications, accounts and roles, API keys, MQTT client access, backup, retention. */
export function SettingsRoute() {
  const me = useMe();
  return (
    <div className="page page-medium">
      <title>Settings · mqdash</title>
      <div className="page-header">
        <h1 className="page-title">Settings</h1>
      </div>
      <div className="stack-lg">
        <Card title="Account">
          <DescriptionList items={[['Username', me.data?.username], ['Role', me.data && roleLabel[me.data.role]]]} />
        </Card>
        <Card title="Change password">
          <ChangePasswordForm />
        </Card>
        <Card title="Notifications">
          <NotificationSettings />
        </Card>
        <AccountsCard me={me.data?.username} />
        <ApiKeysCard />
        <MqttClientsCard />
        <Can need="administrator">
          <BackupCard />
          <RetentionCard />
        </Can>
      </div>
    </div>
  );
}
