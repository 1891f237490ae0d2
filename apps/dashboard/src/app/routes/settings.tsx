import { Card, DescriptionList } from '../../components/ui/card';
import { useMe } from '../../features/auth/api/get-me';
import { ChangePasswordForm } from '../../features/auth/components/change-password-form';

/** Settings (DESIGN §6): the account and its password; API keys arrive with a later issue. */
export function SettingsRoute() {
  const me = useMe();
  return (
    <div className="page page-narrow">
      <title>Settings · mqdash</title>
      <div className="page-header">
        <h1 className="page-title">Settings</h1>
      </div>
      <div className="stack-lg">
        <Card title="Account">
          <DescriptionList items={[['Username', me.data?.username]]} />
        </Card>
        <Card title="Change password">
          <ChangePasswordForm />
        </Card>
      </div>
    </div>
  );
}
