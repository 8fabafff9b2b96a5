import { useEffect, useState } from 'react';
import { ApiError } from '../api/http';
import type { FileNode } from '../api/types';
import { Breadcrumbs } from '../components/Breadcrumbs';
import { DropOverlay } from '../components/DropOverlay';
import { FileBrowser, type BrowserCommands } from '../components/FileBrowser';
import { Icon } from '../components/Icon';
import { Link } from '../components/Link';
import { EmptyState } from '../components/States';
import { UploadButtons } from '../components/UploadButtons';
import { ViewControls } from '../components/ViewControls';
import { navigate } from '../hooks/navigation';
import { uploadTree } from '../hooks/uploads';
import { useFileDrop } from '../hooks/useFileDrop';
import { useFolderListing } from '../hooks/useFolderListing';
import { useNodeActions } from '../hooks/useNodeActions';
import { useViewPrefs } from '../hooks/useViewPrefs';
import { collectDropped } from '../lib/dropped-files';
import { handOffListFocus } from '../lib/focus-handoff';
import { folderPath } from '../lib/routes';

/** "My files" and every folder: browse, upload, organise. */
export function FilesPage({ folderId }: { folderId: string | null }) {
  const [prefs, setPrefs] = useViewPrefs();
  const listing = useFolderListing(folderId, prefs.sort, prefs.order);
  // A folder just made here, or a file just uploaded here on its own: selected and scrolled to in the list.
  // (A new object each time: a file uploaded again over itself keeps its id, and is shown again.)
  // Only into the folder on screen: an upload that ends after the user went elsewhere is not looked
  // for there (the list would load every page of that folder in vain).
  const [added, setAdded] = useState<{ id: string; parentId: string | null } | null>(null);
  const showAdded = (node: FileNode) => setAdded({ id: node.id, parentId: node.parentId });
  const reveal = added?.parentId === folderId ? added : null;
  // Nor again on coming back to the folder later.
  useEffect(() => setAdded(null), [folderId]);
  const actions = useNodeActions({ onCreated: showAdded });
  // A folder that is not there (or not loaded yet) is not "My files": nothing goes into it.
  const unavailable = folderId !== null && !listing.folder;
  const folderName = listing.folder?.name ?? (unavailable ? (listing.loading ? 'Loading…' : 'Folder not available') : 'My files');
  // A folder row that files from the desktop are dragged over: the drop goes there.
  const [dropFolder, setDropFolder] = useState<FileNode | null>(null);
  const drop = useFileDrop(folderId, !unavailable, showAdded);
  const parentId = listing.folder?.parentId ?? null;

  useEffect(() => {
    document.title = `${folderName} · FileFlow`;
  }, [folderName]);

  const commands: BrowserCommands = {
    open: actions.open,
    // All of a folder's items (Ctrl+A) download as the folder's zip, however many they are.
    menuFor: (nodes, siblings) => actions.menuFor(nodes, siblings, { id: folderId, total: listing.total }),
    remove: actions.trash,
    rename: actions.rename,
    goUp:
      folderId === null
        ? undefined
        : () => {
            handOffListFocus(folderId);
            navigate(folderPath(parentId));
          },
    moveInto: (nodes: FileNode[], targetId: string) => actions.moveTo(nodes, targetId),
    uploadInto: (targetId, dataTransfer) => void collectDropped(dataTransfer).then((tree) => uploadTree(targetId, tree)),
    backgroundMenu: () => [{ id: 'new-folder', label: 'New folder', icon: 'folderPlus', run: () => actions.newFolder(folderId) }],
  };

  return (
    <div className="page files-page" {...drop.handlers}>
      <div className="page-header">
        <h1 className="visually-hidden">{folderName}</h1>
        <Breadcrumbs
          crumbs={
            unavailable && listing.error
              ? [
                  {
                    id: folderId,
                    name: listing.error instanceof ApiError && listing.error.status === 404 ? 'Folder not found' : 'Folder unavailable',
                  },
                ]
              : listing.breadcrumbs
          }
          onMoveInto={actions.moveTo}
        />
        <div className="toolbar" role="toolbar" aria-label="Folder actions">
          <button type="button" className="button" disabled={unavailable} onClick={() => actions.newFolder(folderId)}>
            <Icon name="folderPlus" size={18} />
            <span className="label-wide">New folder</span>
          </button>
          <UploadButtons folderId={folderId} disabled={unavailable} onUploaded={showAdded} />
          <span className="toolbar-spacer" />
          {/* Nothing to sort or lay out in a folder that is not there. */}
          {unavailable && listing.error ? null : <ViewControls prefs={prefs} onChange={setPrefs} />}
        </div>
      </div>
      <FileBrowser
        source={listing}
        label={`Contents of ${folderName}`}
        view={prefs.view}
        sort={{ key: prefs.sort, order: prefs.order, onChange: (sort, order) => setPrefs({ sort, order }) }}
        resetKey={folderId}
        reveal={reveal}
        commands={commands}
        onDropTarget={setDropFolder}
        notFoundAction={
          <Link to="/" className="button primary">
            Go to My files
          </Link>
        }
        empty={
          <EmptyState icon="upload" title="This folder is empty">
            <p>Drop files or folders here, or use Upload.</p>
          </EmptyState>
        }
      />
      {drop.active ? <DropOverlay folderName={dropFolder?.type === 'folder' ? dropFolder.name : folderName} /> : null}
      {actions.element}
    </div>
  );
}
