import { useId, useState } from 'react';
import { errorMessage } from '../api/http';
import { updateShare } from '../api/shares';
import type { ShareChanges, ShareLink } from '../api/types';
import { formatDateTime } from '../lib/format';
import { EXPIRY_CHOICES, expiryFields, today } from '../lib/share-expiry';
import { FormError, LimitField, TextField } from './FormFields';

/**
 * Changes an existing link in place: its expiry, password and download limit. The address stays
 * the same, so whoever has the link keeps it; a new or removed password asks everyone again.
 */
export function ShareLinkEditor({
  share,
  onSaved,
  onCancel,
}: {
  share: ShareLink;
  onSaved: (share: ShareLink) => void;
  onCancel: () => void;
}) {
  const formId = useId();
  const [expiry, setExpiry] = useState('keep');
  const [day, setDay] = useState('');
  const [passwordChoice, setPasswordChoice] = useState<'keep' | 'new' | 'remove'>('keep');
  const [password, setPassword] = useState('');
  const [maxDownloads, setMaxDownloads] = useState(share.maxDownloads === null ? '' : String(share.maxDownloads));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const changes = (): ShareChanges | string => {
    const result: ShareChanges = {};
    if (expiry !== 'keep') {
      const fields = expiryFields(expiry, day);
      if (typeof fields === 'string') {
        return fields;
      }
      Object.assign(result, fields);
    }
    if (passwordChoice === 'new') {
      if (!password) {
        return 'Enter the new password.';
      }
      result.password = password;
    } else if (passwordChoice === 'remove') {
      result.password = null;
    }
    const limit = maxDownloads.trim() === '' ? null : Number(maxDownloads);
    if (limit !== null && (!Number.isInteger(limit) || limit < 1)) {
      return 'The download limit is a whole number from 1 (or empty for no limit).';
    }
    if (limit !== share.maxDownloads) {
      result.maxDownloads = limit;
    }
    return result;
  };

  const submit = async () => {
    const asked = changes();
    if (typeof asked === 'string') {
      setError(asked);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSaved(await updateShare(share.id, asked));
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  return (
    <form
      id={formId}
      className="share-editor"
      aria-label="Change this link"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      onKeyDown={(event) => {
        // Escape leaves the form, not the Share dialog around it (the key's default is the dialog's cancel).
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          onCancel();
        }
      }}
    >
      <div className="form-grid">
        <label className="field">
          <span className="field-label">Expires</span>
          {/* Opening the form puts the focus in it, on its first field. */}
          <select className="input" value={expiry} autoFocus onChange={(event) => setExpiry(event.target.value)}>
            <option value="keep">As now ({formatDateTime(share.expiresAt)})</option>
            {EXPIRY_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.value === 'date' ? choice.label : `${choice.label} from now`}
              </option>
            ))}
          </select>
        </label>
        {expiry === 'date' ? (
          <label className="field">
            <span className="field-label">Last day</span>
            <input className="input" type="date" min={today()} value={day} onChange={(event) => setDay(event.target.value)} />
          </label>
        ) : null}
        <label className="field">
          <span className="field-label">Password</span>
          <select
            className="input"
            value={passwordChoice}
            onChange={(event) => setPasswordChoice(event.target.value as typeof passwordChoice)}
          >
            <option value="keep">{share.hasPassword ? 'Keep the password' : 'No password'}</option>
            <option value="new">{share.hasPassword ? 'Change the password…' : 'Set a password…'}</option>
            {share.hasPassword ? <option value="remove">Remove the password</option> : null}
          </select>
        </label>
        {passwordChoice === 'new' ? (
          <TextField label="New password" type="password" autoComplete="new-password" value={password} onValueChange={setPassword} />
        ) : null}
        <LimitField label="Download limit" value={maxDownloads} onValueChange={setMaxDownloads} />
      </div>
      {passwordChoice !== 'keep' && share.hasPassword ? (
        <p className="muted">Everyone who opened the link with the old password will be asked again.</p>
      ) : null}
      <FormError message={error} />
      <div className="form-actions">
        <button type="submit" className="button primary small" disabled={busy}>
          Save changes
        </button>
        <button type="button" className="button small" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
