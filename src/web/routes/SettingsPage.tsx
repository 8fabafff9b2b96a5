import { useEffect } from 'react';
import { AccessTokens } from '../components/AccessTokens';
import { ChangePasswordForm } from '../components/ChangePasswordForm';
import { SignedInSessions } from '../components/SignedInSessions';
import { useSession } from '../hooks/session';
import { setTheme, useTheme, type ThemeChoice } from '../hooks/theme';
import { formatBytes, formatDay } from '../lib/format';

const THEMES: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'Follow the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Account, password, signed-in browsers, access tokens and appearance. */
export default function SettingsPage() {
  const { user } = useSession();
  const theme = useTheme();
  useEffect(() => {
    document.title = 'Settings · FileFlow';
  }, []);
  return (
    <div className="page">
      <div className="page-header">
        <h1 className="page-title">Settings</h1>
      </div>
      <div className="page-scroll settings">
        <section className="card" aria-labelledby="account-heading">
          <h2 id="account-heading">Account</h2>
          {user ? (
            <dl className="facts">
              <dt>Username</dt>
              <dd>{user.username}</dd>
              <dt>Email</dt>
              <dd>{user.email}</dd>
              <dt>Storage</dt>
              <dd>
                {formatBytes(user.storageUsed)} of {formatBytes(user.storageQuota)}
              </dd>
              <dt>Member since</dt>
              <dd>{formatDay(user.createdAt)}</dd>
            </dl>
          ) : null}
        </section>
        <section className="card" aria-labelledby="password-heading">
          <h2 id="password-heading">Change password</h2>
          <ChangePasswordForm />
        </section>
        <section className="card" aria-labelledby="sessions-heading">
          <h2 id="sessions-heading">Signed-in browsers</h2>
          <p className="muted">Sign out a browser you no longer use, or one that is not yours: it is signed out at once.</p>
          <SignedInSessions />
        </section>
        <section className="card" aria-labelledby="tokens-heading">
          <h2 id="tokens-heading">Personal access tokens</h2>
          <p className="muted">
            For scripts and the command-line client: send <code>Authorization: Bearer &lt;token&gt;</code>. Treat a token like your
            password.
          </p>
          <AccessTokens />
        </section>
        <section className="card" aria-labelledby="appearance-heading">
          <h2 id="appearance-heading">Appearance</h2>
          <fieldset className="radio-group">
            <legend className="field-label">Theme</legend>
            {THEMES.map((choice) => (
              <label key={choice.value} className="radio">
                <input
                  type="radio"
                  name="theme"
                  value={choice.value}
                  checked={theme === choice.value}
                  onChange={() => setTheme(choice.value)}
                />
                <span>{choice.label}</span>
              </label>
            ))}
          </fieldset>
        </section>
      </div>
    </div>
  );
}
