import { useId, useState } from 'react';
import { errorMessage } from '../api/http';
import { createToken, listTokens, revokeToken } from '../api/tokens';
import type { AccessToken, NewAccessToken } from '../api/types';
import { showToast } from '../hooks/toasts';
import { useAsync } from '../hooks/useAsync';
import { formatDateTime } from '../lib/format';
import { ConfirmDialog } from './ConfirmDialog';
import { CopyButton } from './CopyButton';
import { ErrorState, Spinner } from './States';

/** Personal access tokens: create one (its secret is shown once), list, revoke. */
export function AccessTokens() {
  const tokens = useAsync((signal) => listTokens(signal), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<NewAccessToken | null>(null);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();

  const create = async () => {
    if (!name.trim()) {
      setError('Give the token a name, such as the machine or script that uses it.');
      return;
    }
    try {
      setCreated(await createToken(name.trim()));
      setName('');
      setError(null);
      tokens.reload();
    } catch (failure) {
      setError(errorMessage(failure));
    }
  };

  // The token asked about before it is revoked (scripts using it stop working at once).
  const [revoking, setRevoking] = useState<AccessToken | null>(null);
  const revoke = async (id: string) => {
    await revokeToken(id);
    if (created?.id === id) {
      setCreated(null);
    }
    tokens.reload();
    showToast('Token revoked.', 'success');
  };

  return (
    <div className="tokens">
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <label className="field grow">
          <span className="field-label">Token name</span>
          <input
            className="input"
            value={name}
            maxLength={100}
            placeholder="e.g. backup script"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(event) => {
              setName(event.target.value);
              // Said of the name as it was: an edit answers it, as in the app's other forms.
              setError(null);
            }}
          />
        </label>
        <button type="submit" className="button primary">
          Create token
        </button>
      </form>
      {error ? (
        <p id={errorId} className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {created ? (
        <div className="token-created" role="status">
          <p>
            <strong>Copy “{created.name}” now.</strong> It will not be shown again.
          </p>
          <div className="copy-row">
            <input
              className="input mono"
              readOnly
              value={created.token}
              aria-label="New token"
              onFocus={(event) => event.currentTarget.select()}
            />
            <CopyButton text={created.token} label="Copy token" className="button primary" />
          </div>
        </div>
      ) : null}
      {tokens.loading && !tokens.data ? <Spinner /> : null}
      {tokens.error ? <ErrorState error={tokens.error} onRetry={tokens.reload} /> : null}
      {tokens.data?.length === 0 ? <p className="muted">No tokens yet.</p> : null}
      <ul className="token-list">
        {tokens.data?.map((token) => (
          <li key={token.id} className="token-item">
            <div>
              <strong>{token.name}</strong>
              <div className="muted small-text">
                Created {formatDateTime(token.createdAt)} ·{' '}
                {token.lastUsedAt ? `last used ${formatDateTime(token.lastUsedAt)}` : 'never used'}
              </div>
            </div>
            <button type="button" className="button small danger" onClick={() => setRevoking(token)} aria-label={`Revoke ${token.name}`}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
      {revoking ? (
        <ConfirmDialog
          title={`Revoke “${revoking.name}”?`}
          confirmLabel="Revoke token"
          danger
          onClose={() => setRevoking(null)}
          onConfirm={() => revoke(revoking.id)}
        >
          <p>Scripts and machines using this token are refused from now on. This cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
