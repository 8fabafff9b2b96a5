import { useEffect, useState } from 'react';
import { login } from '../api/auth';
import { ApiError, errorMessage } from '../api/http';
import { AuthLayout } from '../components/AuthLayout';
import { FormError, TextField } from '../components/FormFields';
import { Link } from '../components/Link';
import { navigate } from '../hooks/navigation';
import { useSession } from '../hooks/session';
import { useRegistrationOpen } from '../hooks/useRegistrationOpen';

/** Sign in; honours ?next= through the server's `redirectTo`. */
export function LoginPage({ next }: { next: string | null }) {
  const session = useSession();
  const registrationOpen = useRegistrationOpen();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = 'Sign in · FileFlow';
  }, []);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await login({ email: email.trim(), password, remember, ...(next ? { next } : {}) });
      session.signedIn(answer.user);
      navigate(answer.redirectTo ?? '/', { replace: true });
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? 'That email and password do not match an account.'
          : failure instanceof ApiError && failure.status === 429
            ? 'Too many attempts. Wait a few minutes and try again.'
            : errorMessage(failure),
      );
      setBusy(false);
    }
  };

  return (
    <AuthLayout
      title="Sign in"
      footer={
        registrationOpen ? (
          <p>
            New here? <Link to="/register">Create an account</Link>
          </p>
        ) : (
          <p>New accounts are made by the operator of this server.</p>
        )
      }
    >
      <form
        className="auth-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        {session.endedElsewhere && !error ? (
          <p className="form-notice" role="status">
            You were signed out (from another browser, by a password change, or because the session ended). Sign in again to go on.
          </p>
        ) : null}
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onValueChange={setEmail}
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onValueChange={setPassword}
        />
        <label className="checkbox-field">
          <input
            type="checkbox"
            className="checkbox"
            name="remember"
            checked={remember}
            onChange={(event) => setRemember(event.target.checked)}
          />
          <span>Remember me for 30 days</span>
        </label>
        <FormError message={error} />
        <button type="submit" className="button primary block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
