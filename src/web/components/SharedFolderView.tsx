import { useState } from 'react';
import { ApiError } from '../api/http';
import { checkSharedFile, linkFailure, publicContentUrl, publicZipUrl } from '../api/public-shares';
import type { Breadcrumb, FileNode } from '../api/types';
import { navigate, useLocation, useOverlayHistory } from '../hooks/navigation';
import { showToast } from '../hooks/toasts';
import { useSharedFolderListing } from '../hooks/useSharedFolderListing';
import { previewKind } from '../lib/file-kind';
import { linkChecks } from '../lib/link-checks';
import { formatBytes, formatDateTime, formatDay } from '../lib/format';
import { FileIcon } from './FileIcon';
import { Icon } from './Icon';
import { MiddleTruncated } from './MiddleTruncated';
import PreviewDialog from './preview/PreviewDialog';
import { EmptyState, ErrorState, Spinner } from './States';

/** What the zip button downloads: the shared folder, or the folder inside it shown (named once loaded). */
function zipLabel(folderId: string | null, current: Breadcrumb | null): string {
  if (folderId === null) {
    return 'Download all (zip)';
  }
  return current ? `Download “${current.name}” (zip)` : 'Download this folder (zip)';
}

/** Browsing a shared folder: subfolders, previews and downloads of its files, the whole folder as a zip. */
export function SharedFolderView({
  token,
  rootName,
  expiresAt,
  onLocked,
  onGone,
}: {
  token: string;
  rootName: string;
  /** When the link stops working, said as on a shared file's page. */
  expiresAt: string | null;
  onLocked: () => void;
  /** Told when the link is found revoked, expired or used up: the page then says only that. */
  onGone: (why: ApiError) => void;
}) {
  // The folder shown is in the address (?folder=), so Back, reload and a copied link keep it.
  const { search } = useLocation();
  const folderId = new URLSearchParams(search).get('folder');
  const openFolder = (id: string | null) => navigate(id === null ? `/s/${token}` : `/s/${token}?folder=${encodeURIComponent(id)}`);
  // The files of the folder, stepped through like a signed-in preview, and the one opened first.
  const [preview, setPreview] = useState<{ nodes: FileNode[]; index: number } | null>(null);
  const listing = useSharedFolderListing(token, folderId, { onLocked, onGone });
  const checks = linkChecks(token, {
    onGone,
    onLocked,
    onMissing: () => {
      showToast('That file is no longer available: it was removed from this shared folder.', 'error');
      listing.reload();
    },
    // Listed again, the page says the folder is not found, with a way back to the shared folder.
    onFolderMissing: listing.reload,
  });
  // A preview kept in a history entry is checked before Forward or a reload shows it again: the
  // owner may have trashed the file since. Then the visitor is told, as a signed-in user is.
  useOverlayHistory('shared-preview', preview, setPreview, async (kept) => {
    const node = kept.nodes[kept.index];
    if (!node) {
      return kept;
    }
    try {
      await checkSharedFile(token, node.id);
      return kept;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 410)) {
        // Or the whole link is gone: then that is all the page says.
        const why = await linkFailure(token).catch(() => undefined);
        if (why) {
          onGone(why);
          return null;
        }
        showToast(`“${node.name}” is no longer available: it was removed from this shared folder.`, 'error');
        listing.reload();
        return null;
      }
      // Offline, say: shown as kept; the preview says what fails.
      return kept;
    }
  });
  const { items, trail, error } = listing;
  const current = trail[trail.length - 1] ?? null;
  // A subfolder that cannot be shown is not the shared folder: the path says so, as the owner's does.
  const crumbs =
    folderId !== null && error !== undefined
      ? [{ id: folderId, name: error instanceof ApiError && error.status === 404 ? 'Folder not found' : 'Folder unavailable' }]
      : trail;
  const openPreview = (node: FileNode) => {
    const files = (items ?? []).filter((each) => each.type === 'file');
    setPreview({ nodes: files, index: Math.max(0, files.indexOf(node)) });
  };

  return (
    <div className="shared-folder">
      <div className="shared-folder-bar">
        <nav className="breadcrumbs" aria-label="Folder path">
          <ol>
            {[{ id: '', name: rootName }, ...crumbs].map((crumb, i, all) => (
              <li key={crumb.id || 'root'} className="crumb">
                {i > 0 ? <Icon name="chevronRight" size={16} className="crumb-separator" /> : null}
                {i === all.length - 1 ? (
                  <span className="crumb-current" aria-current="page">
                    {crumb.name}
                  </span>
                ) : (
                  <button type="button" className="link-button crumb-link" onClick={() => openFolder(crumb.id || null)}>
                    {crumb.name}
                  </button>
                )}
              </li>
            ))}
          </ol>
        </nav>
        {error === undefined ? (
          <a className="button primary" href={publicZipUrl(token, folderId)} download onClick={checks.zipDownload}>
            <Icon name="download" size={18} /> <span>{zipLabel(folderId, current)}</span>
          </a>
        ) : null}
      </div>
      {expiresAt ? <p className="muted shared-folder-expiry">Available until {formatDateTime(expiresAt)}</p> : null}
      {items === undefined && error === undefined ? (
        <Spinner />
      ) : error !== undefined ? (
        <ErrorState
          error={error}
          onRetry={listing.reload}
          notFoundAction={
            <button type="button" className="button primary" onClick={() => openFolder(null)}>
              Go to the shared folder
            </button>
          }
        />
      ) : items && items.length === 0 ? (
        <EmptyState icon="folder" title="This folder is empty" />
      ) : null}
      {items && items.length > 0 ? (
        // The server's order: folders first, then by name.
        <ul className="public-list" aria-label={`Contents of ${current?.name ?? rootName}`}>
          {items.map((node) => (
            <li key={node.id} className="public-item">
              <button
                type="button"
                className="public-open"
                onClick={() => (node.type === 'folder' ? openFolder(node.id) : openPreview(node))}
              >
                <FileIcon node={node} />
                <MiddleTruncated className="public-name" name={node.name} />
                <span className="muted">
                  {node.type === 'folder' ? 'Folder' : `${formatBytes(node.size)} · ${formatDay(node.modifiedAt)}`}
                </span>
              </button>
              {node.type === 'file' ? (
                <a
                  className="icon-button"
                  href={publicContentUrl(token, node.id)}
                  download
                  aria-label={`Download ${node.name}`}
                  onClick={checks.download}
                >
                  <Icon name="download" size={18} />
                </a>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {listing.more > 0 ? (
        <button type="button" className="button block" disabled={listing.loading} onClick={listing.showMore}>
          Show more ({listing.more.toLocaleString()} more)
        </button>
      ) : null}
      {preview ? (
        <PreviewDialog
          nodes={preview.nodes}
          initialIndex={preview.index}
          onClose={() => setPreview(null)}
          onStep={setPreview}
          urlsFor={(node) => ({
            inlineUrl: previewKind(node) === 'none' ? publicContentUrl(token, node.id) : publicContentUrl(token, node.id, { inline: true }),
            downloadUrl: publicContentUrl(token, node.id),
            onDownload: checks.download,
            onGone: checks.contentGone,
            onOpenInNewTab: checks.openInNewTab,
          })}
        />
      ) : null}
    </div>
  );
}
