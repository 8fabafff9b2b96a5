import { useState } from 'react';
import { errorMessage } from '../api/http';
import { listSessions, revokeOtherSessions, revokeSession } from '../api/sessions';
import type { SignedInSession } from '../api/types';
import { useSession } from '../hooks/session';
import { showToast } from '../hooks/toasts';
import { useAsync } from '../hooks/useAsync';
import { formatDateTime } from '../lib/format';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorState, Spinner } from './States';

/** A browser's User-Agent as a short name ("Firefox on Linux"), or the raw text when unknown. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) {
    return 'Unknown browser';
  }
  const browser =
    [
      ['Edg/', 'Edge'],
      ['OPR/', 'Opera'],
      ['Firefox/', 'Firefox'],
      ['Chrome/', 'Chrome'],
      ['Safari/', 'Safari'],
      ['curl/', 'curl'],
    ].find(([marker]) => userAgent.includes(marker!))?.[1] ?? null;
  const system =
    [
      ['Android', 'Android'],
      ['iPhone', 'iPhone'],
      ['iPad', 'iPad'],
      ['Windows', 'Windows'],
      ['Mac OS X', 'macOS'],
      ['CrOS', 'ChromeOS'],
      ['Linux', 'Linux'],
    ].find(([marker]) => userAgent.includes(marker!))?.[1] ?? null;
  if (!browser) {
    return userAgent.slice(0, 80);
  }
  return system ? `${browser} on ${system}` : browser;
}

/** The signed-in browsers: each can be signed out, or all but this one at once. */
export function SignedInSessions() {
  const sessions = useAsync((signal) => listSessions(signal), [], { revalidate: true });
  const { refresh } = useSession();
  const [confirmingOthers, setConfirmingOthers] = useState(false);

  const signOut = async (session: SignedInSession) => {
    try {
      await revokeSession(session.id);
      if (session.current) {
        await refresh();
        return;
      }
      sessions.reload();
      showToast('Signed out.', 'success');
    } catch (failure) {
      showToast(errorMessage(failure), 'error');
    }
  };

  const signOutOthers = async () => {
    try {
      await revokeOtherSessions();
      sessions.reload();
      showToast('Every other session is signed out.', 'success');
    } catch (failure) {
      showToast(errorMessage(failure), 'error');
    }
  };

  const others = sessions.data?.filter((session) => !session.current).length ?? 0;
  // This browser first: the one a user looks for, and the one the button below leaves signed in.
  const listed = [...(sessions.data ?? [])].sort((a, b) => Number(b.current) - Number(a.current));
  return (
    <div className="sessions">
      {sessions.loading && !sessions.data ? <Spinner /> : null}
      {sessions.error ? <ErrorState error={sessions.error} onRetry={sessions.reload} /> : null}
      <ul className="token-list" aria-label="Signed-in sessions">
        {listed.map((session) => (
          <li key={session.id} className="token-item">
            <div>
              <strong>{describeUserAgent(session.userAgent)}</strong>
              {session.current ? <span className="badge session-badge">This browser</span> : null}
              <div className="muted small-text">
                Signed in {formatDateTime(session.createdAt)} · active {formatDateTime(session.lastSeenAt)}
              </div>
            </div>
            <button
              type="button"
              className="button small danger"
              onClick={() => void signOut(session)}
              aria-label={session.current ? 'Sign out this browser' : `Sign out ${describeUserAgent(session.userAgent)}`}
            >
              Sign out
            </button>
          </li>
        ))}
      </ul>
      {others > 0 ? (
        <button type="button" className="button danger" onClick={() => setConfirmingOthers(true)}>
          Sign out every other session
        </button>
      ) : null}
      {confirmingOthers ? (
        <ConfirmDialog
          title="Sign out every other session?"
          confirmLabel="Sign out the others"
          danger
          onConfirm={signOutOthers}
          onClose={() => setConfirmingOthers(false)}
        >
          <p>
            {others === 1 ? 'The other browser or device' : `The ${others} other browsers and devices`} signed in to this account will need
            to sign in again. This browser stays signed in.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
