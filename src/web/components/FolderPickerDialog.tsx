import { useState } from 'react';
import { listChildren } from '../api/tree';
import type { Breadcrumb } from '../api/types';
import { useAsync } from '../hooks/useAsync';
import { Icon } from './Icon';
import { Modal } from './Modal';
import { ErrorState, Spinner } from './States';

export interface FolderPickerDialogProps {
  title: string;
  confirmLabel: string;
  /** Folders that cannot be entered or chosen (the ones being moved). */
  excludeIds: string[];
  /** True when choosing this folder would do nothing (already there). */
  disabledTarget: (folderId: string | null) => boolean;
  onPick: (folderId: string | null) => Promise<void>;
  onClose: () => void;
}

/** Browse folders, starting at the root, and pick one as the destination of a move or copy. */
export function FolderPickerDialog({ title, confirmLabel, excludeIds, disabledTarget, onPick, onClose }: FolderPickerDialogProps) {
  const [folderId, setFolderId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const listing = useAsync((signal) => listChildren(folderId, { sort: 'name', order: 'asc', offset: 0, limit: 1000 }, signal), [folderId]);
  const folders = (listing.data?.items ?? []).filter((item) => item.type === 'folder' && !excludeIds.includes(item.id));
  const crumbs: Breadcrumb[] = [{ id: '', name: 'My files' }, ...(listing.data?.breadcrumbs ?? [])];
  const here = listing.data?.folder?.name ?? 'My files';

  return (
    <Modal
      title={title}
      size="medium"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button primary"
            disabled={busy || listing.loading || disabledTarget(folderId)}
            onClick={() => {
              setBusy(true);
              void onPick(folderId).finally(() => setBusy(false));
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
              onClick={() => setFolderId(crumb.id || null)}
              aria-current={i === crumbs.length - 1 ? 'location' : undefined}
            >
              {crumb.name}
            </button>
          </span>
        ))}
      </nav>
      <div className="picker-list" role="list" aria-label={`Folders in ${here}`}>
        {listing.loading && !listing.data ? <Spinner /> : null}
        {listing.error ? <ErrorState error={listing.error} onRetry={listing.reload} /> : null}
        {listing.data && folders.length === 0 ? (
          <p className="picker-empty">
            No folders here. Choose “{confirmLabel}” to use “{here}”.
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
      <p className="picker-destination">
        Destination: <strong>{here}</strong>
      </p>
    </Modal>
  );
}
