import { useEffect, useState } from 'react';
import { register } from '../api/auth';
import { errorMessage } from '../api/http';
import { AuthLayout } from '../components/AuthLayout';
import { FormError, TextField } from '../components/FormFields';
import { Link } from '../components/Link';
import { navigate } from '../hooks/navigation';
import { useSession } from '../hooks/session';
import { useRegistrationOpen } from '../hooks/useRegistrationOpen';

const signInFooter = (
  <p>
    Already have an account? <Link to="/login">Sign in</Link>
  </p>
);

/** Create an account; the server signs the new user in. */
export function RegisterPage() {
  const session = useSession();
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const registrationOpen = useRegistrationOpen();
  useEffect(() => {
    document.title = registrationOpen ? 'Create account · FileFlow' : 'Sign-up is closed · FileFlow';
  }, [registrationOpen]);

  const submit = async () => {
    if (password.length < 8) {
      setError('The password must be at least 8 characters.');
      return;
    }
    if (password !== repeat) {
      setError('The passwords do not match.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await register({ username: username.trim(), email: email.trim(), password });
      session.signedIn(answer.user);
      navigate('/', { replace: true });
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  if (!registrationOpen) {
    return (
      <AuthLayout
        title="Sign-up is closed"
        footer={signInFooter}
      >
        <p className="form-notice" role="status">
          This server does not let anyone create an account. Ask its operator for one.
        </p>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Create your account"
      footer={signInFooter}
    >
      <form
        className="auth-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          required
          maxLength={64}
          autoFocus
          value={username}
          onValueChange={setUsername}
        />
        <TextField label="Email" type="email" name="email" autoComplete="email" required value={email} onValueChange={setEmail} />
        <div className="field">
          <label className="field-label" htmlFor="register-password">
            Password
          </label>
          <input
            id="register-password"
            className="input"
            type="password"
            name="password"
            autoComplete="new-password"
            required
            minLength={8}
            aria-describedby="password-hint"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <span id="password-hint" className="field-hint">
            At least 8 characters.
          </span>
        </div>
        <TextField
          label="Repeat password"
          type="password"
          name="repeat"
          autoComplete="new-password"
          required
          minLength={8}
          value={repeat}
          onValueChange={setRepeat}
        />
        <FormError message={error} />
        <button type="submit" className="button primary block" disabled={busy}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
    </AuthLayout>
  );
}
