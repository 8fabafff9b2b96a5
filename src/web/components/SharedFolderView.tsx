import { useEffect, useState } from 'react';
import { ApiError } from '../api/http';
import { checkSharedFile, listSharedFolder, publicContentUrl, publicZipUrl } from '../api/public-shares';
import type { Breadcrumb, FileNode } from '../api/types';
import { navigate, useLocation, useOverlayHistory } from '../hooks/navigation';
import { showToast } from '../hooks/toasts';
import { useAsync } from '../hooks/useAsync';
import { previewKind } from '../lib/file-kind';
import { formatBytes, formatDateTime, formatDay } from '../lib/format';
import { FileIcon } from './FileIcon';
import { Icon } from './Icon';
import { MiddleTruncated } from './MiddleTruncated';
import PreviewDialog from './preview/PreviewDialog';
import { EmptyState, ErrorState, Spinner } from './States';

/** Items per page of a shared folder. */
const PAGE = 200;

/** Browsing a shared folder: subfolders, previews and downloads of its files, the whole folder as a zip. */
export function SharedFolderView({
  token,
  rootName,
  expiresAt,
  onLocked,
}: {
  token: string;
  rootName: string;
  /** When the link stops working, said as on a shared file's page. */
  expiresAt: string | null;
  onLocked: () => void;
}) {
  // The folder shown is in the address (?folder=), so Back, reload and a copied link keep it.
  const { search } = useLocation();
  const folderId = new URLSearchParams(search).get('folder');
  const openFolder = (id: string | null) => navigate(id === null ? `/s/${token}` : `/s/${token}?folder=${encodeURIComponent(id)}`);
  // The files of the folder, stepped through like a signed-in preview, and the one opened first.
  const [preview, setPreview] = useState<{ nodes: FileNode[]; index: number } | null>(null);
  // Pages of the folder shown so far: the first, and one more for each "Show more".
  const [pages, setPages] = useState(1);
  useEffect(() => setPages(1), [folderId]);
  const listing = useAsync(
    async (signal) => {
      try {
        const answers = await Promise.all(
          Array.from({ length: pages }, (_, i) => listSharedFolder(token, folderId, signal, { offset: i * PAGE, limit: PAGE })),
        );
        // The path below the shared folder (the server's breadcrumbs start at the shared folder).
        const trail: Breadcrumb[] = answers[0]?.breadcrumbs?.slice(1) ?? [];
        return { items: answers.flatMap((answer) => answer.items), total: answers[0]?.total, trail };
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          onLocked();
        }
        throw error;
      }
    },
    [token, folderId, pages],
  );
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
      if (error instanceof ApiError && error.status === 404) {
        showToast(`“${node.name}” is no longer available: it was removed from this shared folder.`, 'error');
        listing.reload();
        return null;
      }
      // Offline, say: shown as kept; the preview says what fails.
      return kept;
    }
  });
  const trail = listing.data?.trail ?? [];
  const current = trail[trail.length - 1] ?? null;
  // The server's order: folders first, then by name.
  const items = listing.data?.items ?? [];
  const more = (listing.data?.total ?? 0) - items.length;
  const openPreview = (node: FileNode) => {
    const files = items.filter((each) => each.type === 'file');
    setPreview({ nodes: files, index: Math.max(0, files.indexOf(node)) });
  };

  return (
    <div className="shared-folder">
      <div className="shared-folder-bar">
        <nav className="breadcrumbs" aria-label="Folder path">
          <ol>
            {[{ id: '', name: rootName }, ...trail].map((crumb, i, all) => (
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
        <a className="button primary" href={publicZipUrl(token, folderId)} download>
          <Icon name="download" size={18} /> <span>{current ? `Download “${current.name}” (zip)` : 'Download all (zip)'}</span>
        </a>
      </div>
      {expiresAt ? <p className="muted shared-folder-expiry">Available until {formatDateTime(expiresAt)}</p> : null}
      {listing.loading && !listing.data ? <Spinner /> : null}
      {listing.error ? <ErrorState error={listing.error} onRetry={listing.reload} /> : null}
      {listing.data && items.length === 0 ? <EmptyState icon="folder" title="This folder is empty" /> : null}
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
              <a className="icon-button" href={publicContentUrl(token, node.id)} download aria-label={`Download ${node.name}`}>
                <Icon name="download" size={18} />
              </a>
            ) : null}
          </li>
        ))}
      </ul>
      {more > 0 ? (
        <button type="button" className="button block" disabled={listing.loading} onClick={() => setPages(pages + 1)}>
          Show more ({more.toLocaleString()} more)
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
          })}
        />
      ) : null}
    </div>
  );
}
