import { useEffect, useState } from 'react';
import { ApiError } from '../api/http';
import { listSharedFolder, publicContentUrl, publicZipUrl } from '../api/public-shares';
import type { Breadcrumb, FileNode } from '../api/types';
import { useAsync } from '../hooks/useAsync';
import { previewKind } from '../lib/file-kind';
import { formatBytes, formatDay } from '../lib/format';
import { FileIcon } from './FileIcon';
import { Icon } from './Icon';
import { Modal } from './Modal';
import { PreviewBody } from './preview/PreviewBody';
import { EmptyState, ErrorState, Spinner } from './States';

/** Items per page of a shared folder. */
const PAGE = 200;

/** Browsing a shared folder: subfolders, previews and downloads of its files, the whole folder as a zip. */
export function SharedFolderView({ token, rootName, onLocked }: { token: string; rootName: string; onLocked: () => void }) {
  const [trail, setTrail] = useState<Breadcrumb[]>([]);
  const [preview, setPreview] = useState<FileNode | null>(null);
  // Pages of the folder shown so far: the first, and one more for each "Show more".
  const [pages, setPages] = useState(1);
  const current = trail[trail.length - 1] ?? null;
  useEffect(() => setPages(1), [current?.id]);
  const listing = useAsync(
    async (signal) => {
      try {
        const answers = await Promise.all(
          Array.from({ length: pages }, (_, i) => listSharedFolder(token, current?.id ?? null, signal, { offset: i * PAGE, limit: PAGE })),
        );
        return { items: answers.flatMap((answer) => answer.items), total: answers[0]?.total };
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          onLocked();
        }
        throw error;
      }
    },
    [token, current?.id, pages],
  );
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
                  <button type="button" className="link-button crumb-link" onClick={() => setTrail(trail.slice(0, i))}>
                    {crumb.name}
                  </button>
                )}
              </li>
            ))}
          </ol>
        </nav>
        <a className="button primary" href={publicZipUrl(token)} download>
          <Icon name="download" size={18} /> Download all (zip)
        </a>
      </div>
      {listing.loading && !listing.data ? <Spinner /> : null}
      {listing.error ? <ErrorState error={listing.error} onRetry={listing.reload} /> : null}
      {listing.data && items.length === 0 ? <EmptyState icon="folder" title="This folder is empty" /> : null}
      <ul className="public-list" aria-label={`Contents of ${current?.name ?? rootName}`}>
        {items.map((node) => (
          <li key={node.id} className="public-item">
            <button
              type="button"
              className="public-open"
              onClick={() => (node.type === 'folder' ? setTrail([...trail, { id: node.id, name: node.name }]) : setPreview(node))}
            >
              <FileIcon node={node} />
              <span className="public-name">{node.name}</span>
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
