import { useEffect, useState } from 'react';
import { ApiError } from '../api/http';
import { listShares, revokeShare } from '../api/shares';
import { getNode } from '../api/tree';
import type { FileNode, ShareLink } from '../api/types';
import { FileIcon } from '../components/FileIcon';
import { MiddleTruncated } from '../components/MiddleTruncated';
import { Link } from '../components/Link';
import { ShareLinkControls } from '../components/ShareLinkControls';
import { ShareLinkSummary } from '../components/ShareLinkSummary';
import { EmptyState, ErrorState, Spinner } from '../components/States';
import { invalidateData } from '../hooks/data-version';
import { useOverlayHistory } from '../hooks/navigation';
import { showToast } from '../hooks/toasts';
import { useAsync } from '../hooks/useAsync';
import { handOffListFocus } from '../lib/focus-handoff';
import { folderPath } from '../lib/routes';
import { RevokeLinkDialog } from '../components/RevokeLinkDialog';

interface ShareRow {
  share: ShareLink;
  node: FileNode | null;
}

/** What the page has open over its list. */
type OpenOverlay = { kind: 'revoke'; row: ShareRow } | { kind: 'edit'; shareId: string };

/** Null for a node that is gone or trashed (404); any other failure is the page's. */
function goneOrThrow(error: unknown): null {
  if (error instanceof ApiError && error.status === 404) {
    return null;
  }
  throw error;
}

/** Each share with the node it points at (null when that is gone or trashed). */
async function loadShares(signal: AbortSignal): Promise<ShareRow[]> {
  const shares = await listShares(signal);
  // Newest first; the node is fetched to link to where it lives.
  shares.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const ids = [...new Set(shares.map((share) => share.nodeId))];
  const nodes = new Map<string, FileNode | null>();
  // Only a 404 says the item is in the trash or deleted: a failure to ask (the network, a 500)
  // must not make a working link read as one that does not open.
  await Promise.all(ids.map(async (id) => nodes.set(id, await getNode(id, signal).catch(goneOrThrow))));
  return shares.map((share) => ({ share, node: nodes.get(share.nodeId) ?? null }));
}

/** Every link the user has handed out: copy, check its use, change, revoke. */
export function SharedPage() {
  const rows = useAsync(loadShares, [], { revalidate: true });
  useEffect(() => {
    document.title = 'Shared links · FileFlow';
  }, []);

  // The link asked about before it is revoked (a revoked link cannot be brought back), or the one
  // whose form is open. One at a time, each with a history entry: Back closes it and stays here.
  const [open, setOpen] = useState<OpenOverlay | null>(null);
  useOverlayHistory('shared-links', open, setOpen);
  const revoking = open?.kind === 'revoke' ? open.row : null;

  return (
    <div className="page">
      <div className="page-header">
        <h1 className="page-title">Shared links</h1>
      </div>
      <div className="page-scroll">
        {rows.loading && !rows.data ? <Spinner /> : null}
        {rows.error ? <ErrorState error={rows.error} onRetry={rows.reload} /> : null}
        {rows.data?.length === 0 ? (
          <EmptyState icon="link" title="No shared links">
            <p>Right-click a file or folder and choose “Share link…” to create one.</p>
          </EmptyState>
        ) : null}
        <ul className="shared-list">
          {rows.data?.map(({ share, node }) => (
            <li key={share.id} className="shared-item">
              <div className="shared-node">
                {node ? <FileIcon node={node} /> : null}
                {node ? (
                  <Link
                    to={node.type === 'folder' ? folderPath(node.id) : folderPath(node.parentId)}
                    className="shared-name"
                    // A shared file opens its folder with the file selected and in view.
                    onClick={() => (node.type === 'file' ? handOffListFocus(node.id, { select: true }) : undefined)}
                  >
                    <MiddleTruncated className="shared-name-text" name={node.name} />
                  </Link>
                ) : (
                  // Its visitors are told the link is not found: the owner is told why.
                  <div className="shared-gone">
                    <MiddleTruncated className="shared-name muted" name={share.nodeName ?? 'Deleted item'} />
                    <span className="muted small-text">In the trash or deleted: the link does not open.</span>
                  </div>
                )}
              </div>
              <ShareLinkSummary share={share} />
              <ShareLinkControls
                share={share}
                itemName={node?.name ?? share.nodeName ?? 'an item'}
                copyLabel="Copy link"
                onRevoke={() => setOpen({ kind: 'revoke', row: { share, node } })}
                onSaved={invalidateData}
                editing={open?.kind === 'edit' && open.shareId === share.id}
                onEditingChange={(editing) => setOpen(editing ? { kind: 'edit', shareId: share.id } : null)}
              />
            </li>
          ))}
        </ul>
      </div>
      {revoking ? (
        <RevokeLinkDialog
          itemName={revoking.node?.name ?? revoking.share.nodeName ?? 'this item'}
          onClose={() => setOpen(null)}
          onConfirm={async () => {
            await revokeShare(revoking.share.id);
            invalidateData();
            showToast('Link revoked.', 'success');
          }}
        />
      ) : null}
    </div>
  );
}
