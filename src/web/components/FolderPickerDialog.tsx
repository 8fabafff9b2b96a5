import { useState } from 'react';
import { errorMessage } from '../api/http';
import { createFolder, listChildren } from '../api/tree';
import type { Breadcrumb } from '../api/types';
import { invalidateData } from '../hooks/data-version';
import { fileNameProblem } from '../lib/file-name';
import { useAsync } from '../hooks/useAsync';
import { FormError } from './FormFields';
import { Icon } from './Icon';
import { Modal } from './Modal';
import { ErrorState, Spinner } from './States';

export interface FolderPickerDialogProps {
  title: string;
  confirmLabel: string;
  /** Folders that cannot be entered or chosen (the ones being moved). */
  excludeIds: string[];
  /**
   * Why this folder cannot be chosen (what is moved is already there, a folder would go into
   * itself), or null when it can. `path`: the folders from the top down to it, itself included.
   */
  disabledTarget: (folderId: string | null, path: readonly string[]) => string | null;
  /** `names`: every name in the chosen folder, when the picker listed them all (else null). */
  onPick: (folderId: string | null, names: ReadonlySet<string> | null) => Promise<void>;
  onClose: () => void;
  /** Where browsing starts (the folder the items are in); the root by default. */
  startId?: string | null;
}

/** Browse folders, starting where the items are, and pick one as the destination of a move or copy. */
export function FolderPickerDialog({ title, confirmLabel, excludeIds, disabledTarget, onPick, onClose, startId = null }: FolderPickerDialogProps) {
  const [folderId, setFolderId] = useState<string | null>(startId);
  const [busy, setBusy] = useState(false);
  // A new folder made here, then entered: somewhere to move things that does not exist yet.
  const [newName, setNewName] = useState<string | null>(null);
  const [newError, setNewError] = useState<string | null>(null);
  const listing = useAsync((signal) => listChildren(folderId, { sort: 'name', order: 'asc', offset: 0, limit: 1000 }, signal), [folderId]);
  const folders = (listing.data?.items ?? []).filter((item) => item.type === 'folder' && !excludeIds.includes(item.id));
  const crumbs: Breadcrumb[] = [{ id: '', name: 'My files' }, ...(listing.data?.breadcrumbs ?? [])];
  const here = listing.data?.folder?.name ?? 'My files';
  const path = [...(listing.data?.breadcrumbs ?? []).map((crumb) => crumb.id), ...(folderId === null ? [] : [folderId])];
  const refusal = disabledTarget(folderId, path);

  return (
    <Modal
      title={title}
      size="medium"
      onClose={onClose}
      footer={
        <>
          <button
            type="button"
            className="button"
            disabled={newName !== null || Boolean(listing.error)}
            onClick={() => {
              setNewName('');
              setNewError(null);
            }}
          >
            <Icon name="folderPlus" size={16} /> New folder
          </button>
          <span className="toolbar-spacer" />
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button primary"
            disabled={busy || listing.loading || refusal !== null}
            onClick={() => {
              setBusy(true);
              const items = listing.data?.items ?? [];
              const names = listing.data && items.length >= listing.data.total ? new Set(items.map((item) => item.name)) : null;
              void onPick(folderId, names).finally(() => setBusy(false));
            }}
          >
            {confirmLabel}
          </button>
        </>
      }
    >
      <nav className="picker-crumbs" aria-label="Folder path">
        {crumbs.map((crumb, i) => (
          <span key={crumb.id || 'root'} className="picker-crumb">
            {i > 0 ? <Icon name="chevronRight" size={14} /> : null}
            <button
              type="button"
              className="link-button"
              title={crumb.name}
              onClick={() => setFolderId(crumb.id || null)}
              aria-current={i === crumbs.length - 1 ? 'location' : undefined}
            >
              {crumb.name}
            </button>
          </span>
        ))}
      </nav>
      {newName !== null ? (
        <form
          className="picker-new-folder"
          onSubmit={(event) => {
            event.preventDefault();
            const name = newName.trim();
            const problem = fileNameProblem(newName);
            if (problem !== null) {
              setNewError(problem);
              return;
            }
            createFolder(name, folderId).then(
              (folder) => {
                invalidateData();
                setNewName(null);
                setFolderId(folder.id);
              },
              (failure: unknown) => setNewError(errorMessage(failure)),
            );
          }}
        >
          <input
            className="input"
            aria-label="New folder name"
            placeholder="New folder name"
            autoFocus
            value={newName}
            onChange={(event) => setNewName(event.target.value)}
          />
          <button type="submit" className="button small primary">
            Create
          </button>
          <button type="button" className="button small" onClick={() => setNewName(null)}>
            Cancel
          </button>
          <FormError message={newError} />
        </form>
      ) : null}
      <div className="picker-list" role="list" aria-label={`Folders in ${here}`}>
        {listing.loading && !listing.data ? <Spinner /> : null}
        {listing.error ? <ErrorState error={listing.error} onRetry={listing.reload} /> : null}
        {listing.data && folders.length === 0 ? (
          <p className="picker-empty">
            {/* The hint points at the button only when the button can be used. */}
            No folders here.{' '}
            {refusal ?? `Choose “${confirmLabel}” to use “${here}”.`}
          </p>
        ) : null}
        {folders.map((folder) => (
          <div role="listitem" key={folder.id}>
            <button type="button" className="picker-item" onClick={() => setFolderId(folder.id)}>
              <span className="file-icon kind-folder">
                <Icon name="folder" filled />
              </span>
              <span className="picker-name">{folder.name}</span>
              <Icon name="chevronRight" size={16} />
            </button>
          </div>
        ))}
      </div>
      <p className="picker-destination" title={here}>
        Destination: <strong>{here}</strong>
      </p>
      {/* Said once: an empty folder says it in the list. */}
      {refusal !== null && !(listing.data && folders.length === 0) ? <p className="picker-refusal">{refusal}</p> : null}
    </Modal>
  );
}
