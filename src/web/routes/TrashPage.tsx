import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/http';
import { deleteForever, emptyTrash, listTrash, restoreFromTrash } from '../api/trash';
import type { FileNode } from '../api/types';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { FileBrowser, type BrowserCommands } from '../components/FileBrowser';
import { Icon } from '../components/Icon';
import { EmptyState } from '../components/States';
import { invalidateData } from '../hooks/data-version';
import { useOverlayHistory } from '../hooks/navigation';
import { showToast } from '../hooks/toasts';
import { useAsync } from '../hooks/useAsync';
import { useStaticSource } from '../hooks/useStaticSource';
import { formatBytes, formatCount, formatDay, formatDuration } from '../lib/format';
import { timeLeftInTrash, TRASH_RETENTION_MS } from '../lib/trash';

type Confirm = { kind: 'delete'; nodes: FileNode[] } | { kind: 'empty' };

/** What the user trashed: restore it, delete it for good, or empty the trash. */
export function TrashPage() {
  const listed = useAsync(
    async (signal) => {
      const { items, retentionSeconds } = await listTrash(signal);
      // A folder in this list is in the trash itself: the items that came from it are named from
      // here (the server names only live folders, where Restore puts an item back).
      const inTrash = new Map(items.map((item) => [item.id, item.name]));
      return { items, retentionMs: retentionSeconds === undefined ? TRASH_RETENTION_MS : retentionSeconds * 1000, inTrash };
    },
    [],
    { revalidate: true },
  );
  const trash = { ...listed, data: listed.data?.items };
  const retentionMs = listed.data?.retentionMs ?? TRASH_RETENTION_MS;
  const cameFrom = (node: FileNode) => {
    if (!node.originalParentId) {
      return 'My files';
    }
    const trashed = listed.data?.inTrash.get(node.originalParentId);
    return trashed === undefined ? (node.originalFolderName ?? null) : `${trashed} (in the trash)`;
  };
  const source = useStaticSource(trash.data, trash.loading, trash.error, trash.reload);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  // Back (a phone's back gesture) answers a question by closing it, staying in the trash.
  useOverlayHistory('trash-confirm', confirm, setConfirm);
  useEffect(() => {
    document.title = 'Trash · FileFlow';
  }, []);

  const restore = async (nodes: FileNode[]) => {
    const failures: string[] = [];
    // One item put back under another name (its own was taken meanwhile): the toast names it.
    let restoredAs: string | null = null;
    for (const node of nodes) {
      try {
        const restored = await restoreFromTrash(node.id);
        restoredAs = nodes.length === 1 && restored.name !== node.name ? restored.name : null;
      } catch (error) {
        failures.push(`${node.name}: ${errorMessage(error)}`);
      }
    }
    invalidateData();
    showToast(
      failures[0] ??
        `Restored ${nodes.length === 1 ? `“${nodes[0]?.name ?? ''}”${restoredAs ? ` as “${restoredAs}”` : ''}` : formatCount(nodes.length, 'item')}.`,
      failures.length ? 'error' : 'success',
    );
  };

  /**
   * Deletes each item for good, going on past a refusal. An item no longer in the trash (deleted
   * or restored from another tab or device) is not an error: nothing is left to do. The list is
   * reloaded whatever happened, so that a second try is not refused for what the first deleted.
   */
  const deleteNodes = async (nodes: FileNode[]) => {
    const failures: string[] = [];
    let deleted = 0;
    for (const node of nodes) {
      try {
        await deleteForever(node.id);
        deleted += 1;
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) {
          failures.push(`${node.name}: ${errorMessage(error)}`);
        }
      }
    }
    invalidateData();
    if (failures.length > 0) {
      throw new Error(failures.length === 1 ? (failures[0] ?? '') : `${failures.length} items could not be deleted. ${failures[0] ?? ''}`);
    }
    const gone = nodes.length - deleted;
    showToast(
      deleted === 0
        ? `${nodes.length === 1 ? 'That item was' : 'Those items were'} no longer in the trash.`
        : `Deleted ${formatCount(deleted, 'item')} for good.${gone > 0 ? ` ${formatCount(gone, 'item')} ${gone === 1 ? 'was' : 'were'} no longer in the trash.` : ''}`,
      'success',
    );
  };

  const commands: BrowserCommands = {
    open: (node) => showToast(`Restore “${node.name}” to open it.`),
    menuFor: (nodes) => [
      { id: 'restore', label: 'Restore', icon: 'restore', primary: true, run: () => void restore(nodes) },
      {
        id: 'delete',
        label: 'Delete for good',
        icon: 'trash',
        danger: true,
        primary: true,
        shortcut: 'Del',
        run: () => setConfirm({ kind: 'delete', nodes }),
      },
    ],
    remove: (nodes) => setConfirm({ kind: 'delete', nodes }),
  };
  const count = trash.data?.length ?? 0;

  return (
    <div className="page">
      <div className="page-header">
        <h1 className="page-title">Trash</h1>
        <div className="toolbar">
          <p className="muted toolbar-note">Items are deleted for good {formatDuration(retentionMs)} after you trash them.</p>
          <span className="toolbar-spacer" />
          <button type="button" className="button danger" disabled={count === 0} onClick={() => setConfirm({ kind: 'empty' })}>
            <Icon name="trash" size={18} />
            <span>Empty trash</span>
          </button>
        </div>
      </div>
      <FileBrowser
        source={source}
        label="Trash"
        view="list"
        resetKey="trash"
        commands={commands}
        secondary={(node) => (
          <>
            {/* The size has its own column where there is room (it is hidden on phones). */}
            <span className="secondary-size">{node.type === 'folder' ? 'Folder' : formatBytes(node.size)} · </span>
            {[
              cameFrom(node) ? `from ${cameFrom(node) ?? ''}` : null,
              node.trashedAt ? `deleted ${formatDay(node.trashedAt)}` : null,
              `deleted for good in ${formatDuration(timeLeftInTrash(node, Date.now(), retentionMs))}`,
            ]
              .filter((part) => part !== null)
              .join(' · ')}
          </>
        )}
        empty={
          <EmptyState icon="trash" title="The trash is empty">
            <p>Things you delete stay here for {formatDuration(retentionMs)}.</p>
          </EmptyState>
        }
      />
      {confirm?.kind === 'delete' ? (
        <ConfirmDialog
          title="Delete for good?"
          confirmLabel="Delete for good"
          danger
          onClose={() => setConfirm(null)}
          onConfirm={() => deleteNodes(confirm.nodes)}
        >
          <p>
            {confirm.nodes.length === 1 ? `“${confirm.nodes[0]?.name ?? ''}”` : formatCount(confirm.nodes.length, 'item')} will be deleted
            permanently. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
      {confirm?.kind === 'empty' ? (
        <ConfirmDialog
          title="Empty the trash?"
          confirmLabel="Empty trash"
          danger
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await emptyTrash();
            invalidateData();
            showToast('The trash is empty.', 'success');
          }}
        >
          <p>
            {count === 1 ? 'The item in the trash' : `All ${formatCount(count, 'item')} in the trash`} will be deleted permanently. This
            cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
