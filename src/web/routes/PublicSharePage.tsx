import { useEffect, useState } from 'react';
import { checkContent } from '../api/files';
import { ApiError, errorMessage, isUnreachable } from '../api/http';
import type { Reachability } from '../api/reachability';
import { getPublicShare, listSharedFolder, publicContentUrl, unlockShare } from '../api/public-shares';
import { ConnectionNotice } from '../components/ConnectionNotice';
import { FileIcon } from '../components/FileIcon';
import { FormError, TextField } from '../components/FormFields';
import { Icon } from '../components/Icon';
import { PreviewBody } from '../components/preview/PreviewBody';
import { SharedFolderView } from '../components/SharedFolderView';
import { EmptyState, Spinner } from '../components/States';
import { ThemeToggle } from '../components/ThemeToggle';
import { useAsync } from '../hooks/useAsync';
import { useDownloadCountRefresh } from '../hooks/useDownloadCountRefresh';
import { unreachableTitle, useReachability } from '../hooks/useReachability';
import { previewKind } from '../lib/file-kind';
import { checkedClick, openCheckedInNewTab } from '../lib/link-checks';
import { forgetUnlock, mayBeUnlocked, rememberUnlock } from '../lib/unlocked-shares';
import { formatBytes, formatDateTime } from '../lib/format';

/** Why a link does not work, in words. */
function unavailable(error: unknown, reachability: Reachability): { title: string; text: string } {
  if (error instanceof ApiError) {
    if (error.code === 'share_expired') {
      return { title: 'This link has expired', text: 'Ask the person who shared it for a new link.' };
    }
    if (error.code === 'share_exhausted') {
      return {
        title: 'This link has been used up',
        text: 'It has reached its download limit. Ask the person who shared it for a new link.',
      };
    }
    if (error.status === 404) {
      return { title: 'Link not found', text: 'This link does not exist or has been revoked.' };
    }
    if (error.status === 429) {
      return { title: 'Too many requests', text: 'Wait a minute and try again.' };
    }
  }
  if (isUnreachable(error)) {
    // useAsync loads it again by itself once the server answers.
    return { title: unreachableTitle(reachability), text: 'This page loads by itself once the connection is back.' };
  }
  return { title: 'Could not open this link', text: errorMessage(error) };
}

function PasswordPrompt({ token, onUnlocked }: { token: string; onUnlocked: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="auth-form share-password"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        unlockShare(token, password).then(onUnlocked, (failure: unknown) => {
          setError(failure instanceof ApiError && failure.status === 401 ? 'That password is not right.' : errorMessage(failure));
          setBusy(false);
        });
      }}
    >
      <p>
        <Icon name="lock" size={18} /> This link is protected by a password.
      </p>
      <TextField label="Password" type="password" autoComplete="off" required autoFocus value={password} onValueChange={setPassword} />
      <FormError message={error} />
      <button type="submit" className="button primary block" disabled={busy}>
        Unlock
      </button>
    </form>
  );
}

/** The page behind a share link (/s/:token): password, then the file or the folder. No sign-in needed. */
export default function PublicSharePage({ token }: { token: string }) {
  const share = useAsync((signal) => getPublicShare(token, signal), [token]);
  const reachability = useReachability();
  const [unlocked, setUnlocked] = useState(false);
  // Why the link stopped working while the page was open (found by a folder inside it).
  const [gone, setGone] = useState<ApiError | null>(null);
  // Whether the unlock cookie of an earlier visit still opens a password link (see below).
  const [probed, setProbed] = useState(false);
  const [showPreview, setShowPreview] = useState(false);
  const downloadStarted = useDownloadCountRefresh(share);
  const requiresPassword = share.data?.requiresPassword === true;
  const type = share.data?.type;
  // The password is asked again (it was changed since this browser unlocked the link).
  const lock = () => {
    forgetUnlock(token);
    setUnlocked(false);
  };
  useEffect(() => {
    if (!requiresPassword || unlocked || probed) {
      return;
    }
    // Not unlocked here lately: ask for the password without a request bound to fail (a 401 the
    // browser logs as an error).
    if (!mayBeUnlocked(token)) {
      setProbed(true);
      return;
    }
    // A HEAD of the file (which counts as no download) or the folder's listing answers 401 unless
    // the cookie set by an earlier unlock is still there: then the password is not asked again.
    const controller = new AbortController();
    const probe =
      type === 'folder'
        ? listSharedFolder(token, null, controller.signal).then(() => true)
        : fetch(publicContentUrl(token, null), { method: 'HEAD', signal: controller.signal }).then((response) => response.ok);
    probe
      .then(
        (open) => {
          setUnlocked(open);
          if (!open) {
            forgetUnlock(token);
          }
        },
        () => forgetUnlock(token),
      )
      .finally(() => {
        if (!controller.signal.aborted) {
          setProbed(true);
        }
      });
    return () => controller.abort();
  }, [requiresPassword, type, token, unlocked, probed]);
  useEffect(() => {
    document.title = share.data ? `${share.data.name} · FileFlow` : 'Shared with you · FileFlow';
  }, [share.data]);

  let body;
  // Whether the body has the page's heading (a shared file's name, or why the link does not open).
  let ownHeading = false;
  if (share.loading && !share.data) {
    body = <Spinner />;
  } else if (gone || share.error || !share.data) {
    const message = unavailable(gone ?? share.error, reachability);
    ownHeading = true;
    body = (
      <EmptyState icon="alert" title={message.title} pageHeading>
        <p>{message.text}</p>
        {!gone && isUnreachable(share.error) ? (
          <button type="button" className="button" onClick={share.reload}>
            Try again
          </button>
        ) : null}
      </EmptyState>
    );
  } else if (share.data.requiresPassword && !unlocked && !probed) {
    body = <Spinner />;
  } else if (share.data.requiresPassword && !unlocked) {
    body = (
      <PasswordPrompt
        token={token}
        onUnlocked={() => {
          rememberUnlock(token);
          setUnlocked(true);
        }}
      />
    );
  } else if (share.data.type === 'folder') {
    body = <SharedFolderView token={token} rootName={share.data.name} expiresAt={share.data.expiresAt} onLocked={lock} onGone={setGone} />;
  } else {
    const data = share.data;
    const canPreview = previewKind(data) !== 'none';
    ownHeading = true;
    // The link may have been revoked, expired, used up or given a new password meanwhile (here
    // or elsewhere): the file is checked before the browser gets it (a HEAD of the file counts as
    // no download), so that the page says so instead of the browser showing or saving the
    // refusal. The link's answer is where a limited link's download is counted from (the page's
    // misses a preview since). Resolves whether the browser may go on.
    const fileOpens = (url: string) =>
      Promise.all([getPublicShare(token), checkContent(url)]).then(
        ([fresh]) => {
          downloadStarted(fresh.downloadsLeft);
          return true;
        },
        (failure: unknown) => {
          if (failure instanceof ApiError && failure.status === 401) {
            lock();
          } else {
            share.reload();
          }
          return false;
        },
      );
    // The page's Download and the one in its preview alike.
    const download = checkedClick(fileOpens);
    body = (
      <div className="shared-file">
        <div className="shared-file-head">
          <FileIcon node={{ type: 'file', name: data.name, mimeType: data.mimeType ?? null }} size={48} />
          <div>
            <h1>{data.name}</h1>
            <p className="muted">
              {formatBytes(data.size)}
              {data.expiresAt ? ` · available until ${formatDateTime(data.expiresAt)}` : ''}
            </p>
          </div>
        </div>
        {typeof data.downloadsLeft === 'number' ? (
          <p className="muted">
            {data.downloadsLeft === 1 ? '1 download left' : `${data.downloadsLeft} downloads left`}
            {canPreview ? '; a preview counts as a download.' : '.'}
          </p>
        ) : null}
        <div className="form-actions">
          <a className="button primary" href={publicContentUrl(token, null)} download onClick={download}>
            <Icon name="download" size={18} /> Download
          </a>
          {canPreview && !showPreview ? (
            <button
              type="button"
              className="button"
              onClick={() => {
                setShowPreview(true);
                // The preview is a download of a limited link: its count follows, as after Download.
                if (typeof data.downloadsLeft === 'number') {
                  downloadStarted();
                }
              }}
            >
              <Icon name="eye" size={18} /> Preview
            </button>
          ) : null}
        </div>
        {showPreview ? (
          <div className="preview-stage inline">
            <PreviewBody
              target={{
                name: data.name,
                type: 'file',
                size: data.size,
                mimeType: data.mimeType ?? null,
                inlineUrl: publicContentUrl(token, null, { inline: true }),
                downloadUrl: publicContentUrl(token, null),
                onDownload: download,
                onOpenInNewTab: (event) => openCheckedInNewTab(event, fileOpens),
                // Asked again, the link itself says why.
                onGone: share.reload,
              }}
            />
          </div>
        ) : null}
      </div>
    );
  }

  return (
    <div className="public-page">
      <header className="public-header">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="cloud" size={22} />
          </span>
          <span>FileFlow</span>
        </span>
        <span className="muted">Shared with you</span>
        <span className="toolbar-spacer" />
        <ThemeToggle />
      </header>
      <main id="main" className="public-main">
        <ConnectionNotice />
        {ownHeading ? null : (
          <h1 className="visually-hidden">{share.data?.type === 'folder' ? `Shared folder ${share.data.name}` : 'Shared with you'}</h1>
        )}
        {body}
      </main>
    </div>
  );
}
