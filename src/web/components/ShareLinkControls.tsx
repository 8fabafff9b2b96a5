import { useEffect, useState } from 'react';
import { shareUrl } from '../api/shares';
import type { ShareLink } from '../api/types';
import { showToast } from '../hooks/toasts';
import { formatDateTime } from '../lib/format';
import { focusSoon } from '../lib/focus-soon';
import { CopyButton } from './CopyButton';
import { ShareLinkEditor } from './ShareLinkEditor';

/**
 * What can be done to an existing link, wherever it is listed (the Shared links page, the Share
 * dialog): copy its address (when this browser knows it), change it in a form that opens below,
 * revoke it (the caller asks first). A fragment: the form spans the whole row.
 */
export function ShareLinkControls({
  share,
  itemName,
  copyLabel,
  onRevoke,
  onSaved,
  editing: shownEditing,
  onEditingChange,
}: {
  share: ShareLink;
  /** The shared item's name, for screen readers telling one row's buttons from another's. */
  itemName: string;
  copyLabel: string;
  onRevoke: () => void;
  /** After a change was saved (refresh what lists the link). */
  onSaved: () => void;
  /** Whether the form is open, for a caller that keeps it (in a history entry); kept here otherwise. */
  editing?: boolean;
  onEditingChange?: (editing: boolean) => void;
}) {
  const [ownEditing, setOwnEditing] = useState(false);
  const editing = shownEditing ?? ownEditing;
  const setEditing = onEditingChange ?? setOwnEditing;
  const url = shareUrl(share);
  const editId = `edit-link-${share.id}`;
  const which = `the link to ${itemName}, created ${formatDateTime(share.createdAt)}`;
  // However the form goes away (Cancel, Save, Escape, or Back where it has a history entry), the
  // focus it had goes back to its Edit button rather than to the page.
  useEffect(() => {
    if (!editing) {
      return;
    }
    return () => {
      const active = document.activeElement;
      if (!active || active === document.body || !active.isConnected) {
        focusSoon(editId);
      }
    };
  }, [editing, editId]);
  const closeEditor = () => setEditing(false);
  return (
    <>
      <div className="share-item-actions">
        {url ? (
          <CopyButton text={url} label={copyLabel} className="button small" />
        ) : (
          <span
            className="muted small-text"
            title="This link was made before FileFlow kept addresses, or on a server with another sealing key: its address can be copied only where it was created."
          >
            Address not kept here
          </span>
        )}
        <button
          type="button"
          className="button small"
          id={editId}
          aria-expanded={editing}
          aria-label={`Edit ${which}`}
          onClick={() => setEditing(!editing)}
        >
          Edit
        </button>
        <button type="button" className="button small danger" aria-label={`Revoke ${which}`} onClick={onRevoke}>
          Revoke
        </button>
      </div>
      {editing ? (
        <ShareLinkEditor
          share={share}
          onCancel={closeEditor}
          onSaved={() => {
            closeEditor();
            onSaved();
            showToast('Link updated.', 'success');
          }}
        />
      ) : null}
    </>
  );
}
