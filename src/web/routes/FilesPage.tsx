import { useEffect } from 'react';
import type { FileNode } from '../api/types';
import { Breadcrumbs } from '../components/Breadcrumbs';
import { DropOverlay } from '../components/DropOverlay';
import { FileBrowser, type BrowserCommands } from '../components/FileBrowser';
import { Icon } from '../components/Icon';
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
  const actions = useNodeActions();
  const drop = useFileDrop(folderId);
  const folderName = listing.folder?.name ?? 'My files';
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
        <Breadcrumbs crumbs={listing.breadcrumbs} onMoveInto={actions.moveTo} />
        <div className="toolbar" role="toolbar" aria-label="Folder actions">
          <button type="button" className="button" onClick={() => actions.newFolder(folderId)}>
            <Icon name="folderPlus" size={18} />
            <span className="label-wide">New folder</span>
          </button>
          <UploadButtons folderId={folderId} />
          <span className="toolbar-spacer" />
          <ViewControls prefs={prefs} onChange={setPrefs} />
        </div>
      </div>
      <FileBrowser
        source={listing}
        label={`Contents of ${folderName}`}
        view={prefs.view}
        sort={{ key: prefs.sort, order: prefs.order, onChange: (sort, order) => setPrefs({ sort, order }) }}
        resetKey={folderId}
        commands={commands}
        empty={
          <EmptyState icon="upload" title="This folder is empty">
            <p>Drop files or folders here, or use Upload.</p>
          </EmptyState>
        }
      />
      {drop.active ? <DropOverlay folderName={folderName} /> : null}
      {actions.element}
    </div>
  );
}
