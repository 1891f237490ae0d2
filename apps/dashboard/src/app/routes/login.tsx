import { useNavigate, useSearchParams } from 'react-router';
import { Brand } from '../../components/layout/brand';
import { ThemeMenu } from '../../components/layout/theme-menu';
import { FirstStartHint } from '../../features/auth/components/first-start-hint';
import { LoginForm } from '../../features/auth/components/login-form';
import { safeRedirect } from '../../lib/redirect';

/** Sign in, then back to the page the user came from (`?redirect=`, local paths only). */
export function LoginRoute() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const redirect = safeRedirect(params.get('redirect'));
  return (
    <main className="auth-page" id="main">
      <title>Sign in · mqdash</title>
      <div className="auth-theme"><ThemeMenu /></div>
      <div className="auth-card">
        <Brand />
        <h1 className="auth-title">Sign in</h1>
        <p className="muted auth-lead">Administer the sessions of your MQTT broker.</p>
        <FirstStartHint />
        <LoginForm onSuccess={() => void navigate(redirect, { replace: true })} />
      </div>
    </main>
  );
}
