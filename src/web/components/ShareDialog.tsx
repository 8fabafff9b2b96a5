import { useId, useState } from 'react';
import { errorMessage } from '../api/http';
import { createShare, listShares, revokeShare, shareUrl } from '../api/shares';
import type { FileNode, NewShare, ShareLink } from '../api/types';
import { invalidateData } from '../hooks/data-version';
import { useOverlayHistory } from '../hooks/navigation';
import { showToast } from '../hooks/toasts';
import { useAsync } from '../hooks/useAsync';
import { focusSoon } from '../lib/focus-soon';
import { EXPIRY_CHOICES, expiryFields, today } from '../lib/share-expiry';
import { ShareLinkControls } from './ShareLinkControls';
import { ShareLinkSummary } from './ShareLinkSummary';
import { CopyButton } from './CopyButton';
import { FormError, LimitField, TextField } from './FormFields';
import { Modal } from './Modal';
import { ErrorState, Spinner } from './States';
import { RevokeLinkDialog } from './RevokeLinkDialog';

/** A new link's expiry until another is chosen (days). */
const DEFAULT_EXPIRY = '7';

/** Who can open a new link and what it allows, from what it was created with. */
function createdLinkText(share: ShareLink, type: FileNode['type']): string {
  const who = share.hasPassword ? 'Anyone with this link and its password' : 'Anyone with this link';
  const what = type === 'folder' ? 'browse and download this folder' : 'download this file';
  const limit =
    share.maxDownloads === null ? '' : share.maxDownloads === 1 ? ', once' : `, ${share.maxDownloads.toLocaleString()} times at most`;
  return `${who} can ${what}${limit}.`;
}

/** Creates share links for a file or folder and lists (changes, revokes) the ones it already has. */
export default function ShareDialog({ node, onClose }: { node: FileNode; onClose: () => void }) {
  const formId = useId();
  const [expiry, setExpiry] = useState(DEFAULT_EXPIRY);
  const [date, setDate] = useState('');
  const [password, setPassword] = useState('');
  const [maxDownloads, setMaxDownloads] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<ShareLink | null>(null);
  // The link asked about before it is revoked (a revoked link cannot be brought back).
  const [revoking, setRevoking] = useState<ShareLink | null>(null);
  // Back answers the question by closing it, as for every other one; the Share dialog stays.
  useOverlayHistory('share-revoke', revoking, setRevoking);
  const existing = useAsync(async (signal) => (await listShares(signal)).filter((share) => share.nodeId === node.id), [node.id, created]);

  const submit = async () => {
    const expiryChoice = expiryFields(expiry, date);
    if (typeof expiryChoice === 'string') {
      setError(expiryChoice);
      return;
    }
    const input: NewShare = { nodeId: node.id, ...expiryChoice };
    if (password) {
      input.password = password;
    }
    if (maxDownloads) {
      input.maxDownloads = Number(maxDownloads);
    }
    setBusy(true);
    setError(null);
    try {
      const share = await createShare(input);
      setCreated(share);
      // The new address is what the user came for: focus it, selected, ready to copy.
      focusSoon(`created-link-${share.id}`);
      // The form starts over for the next link: every field back to its default, not some of them.
      setExpiry(DEFAULT_EXPIRY);
      setDate('');
      setPassword('');
      setMaxDownloads('');
      invalidateData();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (share: ShareLink) => {
    await revokeShare(share.id);
    if (created?.id === share.id) {
      setCreated(null);
    }
    existing.reload();
    invalidateData();
    showToast('Link revoked.', 'success');
  };

  const createdUrl = created ? shareUrl(created) : null;
  return (
    <Modal title={`Share “${node.name}”`} size="medium" onClose={onClose}>
      {createdUrl ? (
        <div className="share-created" role="status">
          <p>
            {created ? createdLinkText(created, node.type) : null} Its address can be copied again later, here or under Shared links.
          </p>
          <div className="copy-row">
            <input
              id={`created-link-${created?.id ?? ''}`}
              className="input"
              readOnly
              value={createdUrl}
              aria-label="Share link"
              onFocus={(event) => event.currentTarget.select()}
            />
            <CopyButton text={createdUrl} label="Copy link" className="button primary" />
          </div>
        </div>
      ) : null}
      <form
        id={formId}
        className="share-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div className="form-grid">
          <label className="field">
            <span className="field-label">Expires after</span>
            <select className="input" value={expiry} onChange={(event) => setExpiry(event.target.value)}>
              {EXPIRY_CHOICES.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
          </label>
          {expiry === 'date' ? (
            <label className="field">
              <span className="field-label">Last day</span>
              <input className="input" type="date" min={today()} value={date} onChange={(event) => setDate(event.target.value)} />
            </label>
          ) : null}
          <TextField label="Password (optional)" type="password" autoComplete="new-password" value={password} onValueChange={setPassword} />
          <LimitField label="Download limit (optional)" value={maxDownloads} onValueChange={setMaxDownloads} />
        </div>
        <FormError message={error} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy}>
            {created ? 'Create another link' : 'Create link'}
          </button>
        </div>
      </form>
      <section className="share-existing" aria-label="Existing links">
        <h3>Links to this {node.type}</h3>
        {existing.loading && !existing.data ? <Spinner /> : null}
        {existing.error ? <ErrorState error={existing.error} onRetry={existing.reload} /> : null}
        {existing.data?.length === 0 ? <p className="muted">No links yet.</p> : null}
        <ul className="share-list">
          {existing.data?.map((share) => (
            <li key={share.id} className="share-item">
              <ShareLinkSummary share={share} />
              <ShareLinkControls
                share={share}
                itemName={node.name}
                copyLabel="Copy"
                onRevoke={() => setRevoking(share)}
                onSaved={() => {
                  existing.reload();
                  invalidateData();
                }}
              />
            </li>
          ))}
        </ul>
      </section>
      {revoking ? <RevokeLinkDialog itemName={node.name} onClose={() => setRevoking(null)} onConfirm={() => revoke(revoking)} /> : null}
    </Modal>
  );
}
