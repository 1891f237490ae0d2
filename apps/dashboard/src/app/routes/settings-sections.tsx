import type { ReactNode } from 'react';
import { Card, DescriptionList } from '../../components/ui/card';
import { BansCard } from '../../features/access/components/bans-card';
import { TopicPermissionsCard } from '../../features/access/components/topic-permissions-card';
import { AlertRulesCard } from '../../features/alerts/components/alert-rules-card';
import { AccountsCard } from '../../features/accounts/components/accounts-card';
import { ApiKeysCard } from '../../features/api-keys/components/api-keys-card';
import { useMe } from '../../features/auth/api/get-me';
import { ChangePasswordForm } from '../../features/auth/components/change-password-form';
import { BackupCard } from '../../features/backup/components/backup-card';
import { MqttClientsCard } from '../../features/mqtt-users/components/mqtt-clients-card';
import { NotificationSettings } from '../../features/notifications/components/notification-settings';
import { RetentionCard } from '../../features/retention/components/retention-card';
import type { Role } from '@mqdash/contracts';
import { roleLabel } from '../../lib/permissions';

function AccountSection() {
  const me = useMe();
  return (
    <>
      <Card title="Account">
        <DescriptionList items={[['Username', me.data?.username], ['Role', me.data && roleLabel[me.data.role]]]} />
      </Card>
      <Card title="Change password">
        <ChangePasswordForm />
      </Card>
      <Card title="Notifications">
        <NotificationSettings />
      </Card>
    </>
  );
}

function AccessSection() {
  const me = useMe();
  return (
    <>
      <AccountsCard me={me.data?.username} />
      <ApiKeysCard />
    </>
  );
}

export interface SettingsSection {
  /** The sub-page's URL segment: /settings/<path>. */
  path: string;
  label: string;
  element: ReactNode;
  /** Shown only to this role and above. */
  need?: Role;
}

/**
 * Issue 13: Settings' sub-pages, each its own URL, in the sub-navigation's order. A new kind of
 * setting is one more entry here (or one more card in an entry).
 */
export const settingsSections: SettingsSection[] = [
  { path: 'account', label: 'Your account', element: <AccountSection /> },
  { path: 'access', label: 'Accounts and API keys', element: <AccessSection /> },
  { path: 'mqtt', label: 'MQTT clients', element: <MqttClientsCard /> },
  { path: 'bans', label: 'Bans', element: <BansCard /> },
  { path: 'topic-permissions', label: 'Topic permissions', element: <TopicPermissionsCard /> },
  { path: 'alerts', label: 'Alerts', element: <AlertRulesCard /> },
  {
    path: 'data', label: 'Backup and retention', need: 'administrator', element: (
      <>
        <BackupCard />
        <RetentionCard />
      </>
    ),
  },
];
