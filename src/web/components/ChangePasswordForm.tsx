import { useState } from 'react';
import { changePassword } from '../api/auth';
import { ApiError, errorMessage } from '../api/http';
import { invalidateData } from '../hooks/data-version';
import { TextField } from './FormFields';

/** Current and new password (twice); other sessions are signed out by the server. */
export function ChangePasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (next.length < 8) {
      setMessage({ kind: 'error', text: 'The new password must be at least 8 characters.' });
      return;
    }
    if (next !== repeat) {
      setMessage({ kind: 'error', text: 'The new passwords do not match.' });
      return;
    }
    setBusy(true);
    try {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setRepeat('');
      setMessage({ kind: 'success', text: 'Password changed. Your other sessions were signed out.' });
      // The signed-in browsers listed beside this form are gone now.
      invalidateData();
    } catch (error) {
      const wrongCurrent = error instanceof ApiError && error.status === 400 && error.message.startsWith('currentPassword');
      setMessage({ kind: 'error', text: wrongCurrent ? 'The current password is not right.' : errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="settings-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      // The browser's own check refusing the form replaces an earlier answer from the server.
      onInvalidCapture={() => setMessage(null)}
    >
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        value={current}
        onValueChange={(value) => {
          setCurrent(value);
          setMessage(null);
        }}
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        value={next}
        onValueChange={(value) => {
          setNext(value);
          setMessage(null);
        }}
      />
      <TextField
        label="Repeat new password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        value={repeat}
        onValueChange={(value) => {
          setRepeat(value);
          setMessage(null);
        }}
      />
      {message ? (
        <p className={message.kind === 'error' ? 'form-error' : 'form-success'} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          Change password
        </button>
      </div>
    </form>
  );
}
