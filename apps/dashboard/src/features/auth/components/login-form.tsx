import { loginBody, type MeResponse } from '@mqdash/contracts';
import { useEffect, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../../components/ui/button';
import { TextInputField } from '../../../components/ui/fields';
import { isApiError } from '../../../lib/api-client';
import { zodFieldErrors, type FieldErrors } from '../../../lib/form-errors';
import { useLogin } from '../api/login';

/** Username and password; wrong credentials, rate limits and outages each get their own words. */
export function LoginForm({ onSuccess }: { onSuccess: (me: MeResponse) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [lockedUntil, setLockedUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const login = useLogin();

  // Tick while locked out (429 Retry-After) so the countdown and the button update.
  useEffect(() => {
    if (lockedUntil === null) return;
    const timer = setInterval(() => {
      const t = Date.now();
      setNow(t);
      if (t >= lockedUntil) setLockedUntil(null);
    }, 1000);
    return () => clearInterval(timer);
  }, [lockedUntil]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = loginBody.safeParse({ username, password });
    if (!parsed.success) {
      const errors = zodFieldErrors(parsed.error);
      if (!username) errors.username = 'Enter your username';
      if (!password) errors.password = 'Enter your password';
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    login.mutate(parsed.data, {
      onSuccess,
      onError: (error) => {
        if (isApiError(error) && error.status === 429) {
          const seconds = error.retryAfter ?? 60;
          setNow(Date.now());
          setLockedUntil(Date.now() + seconds * 1000);
        }
      },
    });
  };

  const secondsLeft = lockedUntil === null ? 0 : Math.max(0, Math.ceil((lockedUntil - now) / 1000));
  const error = login.error;
  let message: string | null = null;
  if (secondsLeft > 0) message = `Too many failed sign-in attempts. Try again in ${secondsLeft} second${secondsLeft === 1 ? '' : 's'}.`;
  else if (isApiError(error) && error.status === 401) message = 'Wrong username or password.';
  else if (error && !(isApiError(error) && error.status === 429)) message = isApiError(error) ? error.message : 'Sign-in failed. Try again.';

  return (
    <Form onSubmit={submit} validationBehavior="aria" className="stack" aria-describedby={message ? 'login-error' : undefined}>
      {message && (
        <div id="login-error" className="callout callout-error" role="alert">
          {message}
        </div>
      )}
      <TextInputField label="Username" name="username" value={username} onChange={setUsername} autoComplete="username" autoFocus error={fieldErrors.username} />
      <TextInputField label="Password" name="password" type="password" value={password} onChange={setPassword} autoComplete="current-password" error={fieldErrors.password} />
      <Button type="submit" variant="primary" className="btn-block" isPending={login.isPending} isDisabled={secondsLeft > 0}>
        Sign in
      </Button>
    </Form>
  );
}
