import { useEffect, useState } from 'react';
import { ApiError } from '../api/http';
import { listSharedFolder, publicContentUrl, publicZipUrl } from '../api/public-shares';
import type { Breadcrumb, FileNode } from '../api/types';
import { navigate, useLocation, useOverlayHistory } from '../hooks/navigation';
import { useAsync } from '../hooks/useAsync';
import { previewKind } from '../lib/file-kind';
import { formatBytes, formatDay } from '../lib/format';
import { FileIcon } from './FileIcon';
import { Icon } from './Icon';
import { Modal } from './Modal';
import { MiddleTruncated } from './MiddleTruncated';
import { PreviewBody } from './preview/PreviewBody';
import { EmptyState, ErrorState, Spinner } from './States';

/** Items per page of a shared folder. */
const PAGE = 200;

/** Browsing a shared folder: subfolders, previews and downloads of its files, the whole folder as a zip. */
export function SharedFolderView({ token, rootName, onLocked }: { token: string; rootName: string; onLocked: () => void }) {
  // The folder shown is in the address (?folder=), so Back, reload and a copied link keep it.
  const { search } = useLocation();
  const folderId = new URLSearchParams(search).get('folder');
  const openFolder = (id: string | null) => navigate(id === null ? `/s/${token}` : `/s/${token}?folder=${encodeURIComponent(id)}`);
  const [preview, setPreview] = useState<FileNode | null>(null);
  useOverlayHistory('shared-preview', preview, setPreview);
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
  const trail = listing.data?.trail ?? [];
  const current = trail[trail.length - 1] ?? null;
  // The server's order: folders first, then by name.
  const items = listing.data?.items ?? [];
  const more = (listing.data?.total ?? 0) - items.length;

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
      {listing.loading && !listing.data ? <Spinner /> : null}
      {listing.error ? <ErrorState error={listing.error} onRetry={listing.reload} /> : null}
      {listing.data && items.length === 0 ? <EmptyState icon="folder" title="This folder is empty" /> : null}
      <ul className="public-list" aria-label={`Contents of ${current?.name ?? rootName}`}>
        {items.map((node) => (
          <li key={node.id} className="public-item">
            <button type="button" className="public-open" onClick={() => (node.type === 'folder' ? openFolder(node.id) : setPreview(node))}>
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
        <Modal title={preview.name} size="full" className="preview-dialog" onClose={() => setPreview(null)}>
          <div className="preview-stage">
            <PreviewBody
              target={{
                name: preview.name,
                type: 'file',
                size: preview.size,
                mimeType: preview.mimeType,
                modifiedAt: preview.modifiedAt,
                inlineUrl:
                  previewKind(preview) === 'none'
                    ? publicContentUrl(token, preview.id)
                    : publicContentUrl(token, preview.id, { inline: true }),
                downloadUrl: publicContentUrl(token, preview.id),
              }}
            />
          </div>
        </Modal>
      ) : null}
    </div>
  );
}
