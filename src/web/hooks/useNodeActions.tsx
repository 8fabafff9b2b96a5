import { Suspense, useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { contentAnswers, contentUrl, MAX_SELECTION_ZIP, selectionZipUrl, startDownload, zipUrl } from '../api/files';
import { ApiError, errorMessage, isUnreachable } from '../api/http';
import { restoreFromTrash } from '../api/trash';
import { copyNode, createFolder, getNode, trashNode, updateNode } from '../api/tree';
import type { FileNode } from '../api/types';
import type { MenuEntry } from '../components/ContextMenu';
import { FolderPickerDialog } from '../components/FolderPickerDialog';
import { ModuleBoundary } from '../components/ModuleBoundary';
import { PromptDialog } from '../components/PromptDialog';
import { copyName } from '../lib/copy-name';
import { fileNameProblem } from '../lib/file-name';
import { lazyPreloaded } from '../lib/lazy-preloaded';
import { openCheckedInNewTab } from '../lib/link-checks';
import { isNameTaken, moveReport, undoMoves } from '../lib/move-items';
import { folderPath } from '../lib/routes';
import { formatCount } from '../lib/format';
import { invalidateData } from './data-version';
import { navigate, useOverlayHistory } from './navigation';
import { showToast, type ToastAction } from './toasts';
import { useMoveClashes } from './useMoveClashes';

const PreviewDialog = lazyPreloaded(() => import('../components/preview/PreviewDialog'));
const ShareDialog = lazyPreloaded(() => import('../components/ShareDialog'));

/** A preview to go back to when a dialog opened from it closes. */
interface PreviewState {
  nodes: FileNode[];
  index: number;
}

type Dialog =
  | { kind: 'rename'; node: FileNode; back?: PreviewState }
  | { kind: 'new-folder'; parentId: string | null }
  | { kind: 'move' | 'copy'; nodes: FileNode[] }
  | { kind: 'share'; node: FileNode; back?: PreviewState }
  | ({ kind: 'preview' } & PreviewState);

export interface NodeActions {
  open: (node: FileNode, siblings?: FileNode[]) => void;
  rename: (node: FileNode) => void;
  trash: (nodes: FileNode[]) => void;
  moveTo: (nodes: FileNode[], targetId: string | null) => Promise<void>;
  newFolder: (parentId: string | null) => void;
  /** The context menu (and selection toolbar) entries for these nodes. */
  /** The actions for these nodes; `folder` is the folder they are listed in, when they are. */
  menuFor: (nodes: FileNode[], siblings?: FileNode[], folder?: FolderContext) => MenuEntry[];
  /** The open dialog, to render once. */
  element: ReactNode;
}

/** The name an operation's answer gives its node (a copy's, which may differ from the original's). */
function answeredName(answer: unknown): string | null {
  return typeof answer === 'object' && answer !== null && 'name' in answer && typeof answer.name === 'string' ? answer.name : null;
}

/** Runs an operation on each node and reports how it went in one toast. */
async function each(
  nodes: FileNode[],
  verb: string,
  operation: (node: FileNode) => Promise<unknown>,
  undo?: (done: FileNode[]) => ToastAction,
): Promise<void> {
  const failures: string[] = [];
  const done: FileNode[] = [];
  // One item kept under another name ("photo (copy).jpg"): the toast names what was made.
  let renamedTo: string | null = null;
  for (const node of nodes) {
    try {
      const name = answeredName(await operation(node));
      renamedTo = nodes.length === 1 && name !== null && name !== node.name ? name : null;
      done.push(node);
    } catch (error) {
      failures.push(`${node.name}: ${errorMessage(error)}`);
    }
  }
  invalidateData();
  if (failures.length === 0) {
    const what = nodes.length === 1 ? `“${nodes[0]?.name ?? ''}”${renamedTo ? ` as “${renamedTo}”` : ''}` : formatCount(nodes.length, 'item');
    showToast(`${verb} ${what}.`, 'success', undo?.(done));
  } else {
    const why = failures.length === 1 ? (failures[0] ?? '') : `${failures.length} items failed. ${failures[0] ?? ''}`;
    // Some went through: say so (the refusal alone reads as if nothing happened), and they can be undone.
    const partly = done.length > 0 ? `${verb} ${done.length.toLocaleString()} of ${formatCount(nodes.length, 'item')}. ` : '';
    showToast(`${partly}${why}`, 'error', done.length > 0 ? undo?.(done) : undefined);
  }
}

/**
 * Copies a node into a folder; where its name is taken there (always, for a copy into its own
 * folder), the copy is kept beside the other as "name (copy)", "name (copy 2)" ... Names known
 * to be taken (`taken`, the folder's listing) are skipped without asking the server: a refused
 * request would be logged by the browser as an error. The server still has the last word (the
 * folder may have changed since it was listed).
 */
async function copyKeepingBoth(node: FileNode, targetId: string | null, taken: ReadonlySet<string> | null): Promise<FileNode> {
  for (let n = 0; n <= 50; n += 1) {
    const name = n === 0 ? node.name : copyName(node.name, n, node.type);
    if (taken?.has(name)) {
      continue;
    }
    try {
      return await copyNode(node.id, targetId, n === 0 ? undefined : name);
    } catch (error) {
      if (!isNameTaken(error)) {
        throw error;
      }
    }
  }
  throw new Error(`Too many copies of “${node.name}” here already.`);
}

/**
 * One item as itself (a folder as its zip); several as one zip of the selection (named after their
 * folder by the server); every item of a folder too many to name one by one as the folder's zip.
 * Started once the server said it is there (see checkedDownload); `onGone` runs when it is not.
 * A selection is zipped by its ids even when it is the whole folder: an item trashed meanwhile
 * then answers 404 and is said to be gone, where the folder's zip would leave it out unsaid.
 */
function download(nodes: FileNode[], folder?: FolderContext, onGone?: () => void): void {
  const [only] = nodes;
  if (nodes.length === 1 && only) {
    checkedDownload(only.type === 'folder' ? zipUrl(only.id) : contentUrl(only.id), nodes, onGone);
    return;
  }
  if (nodes.length > MAX_SELECTION_ZIP && folder && nodes.length === folder.total && nodes.every((node) => node.parentId === folder.id)) {
    checkedDownload(zipUrl(folder.id ?? 'root'), nodes, onGone);
    return;
  }
  if (nodes.length > MAX_SELECTION_ZIP) {
    showToast(`Select at most ${MAX_SELECTION_ZIP} items to download them together.`, 'error');
    return;
  }
  checkedDownload(selectionZipUrl(nodes.map((node) => node.id)), nodes, onGone);
}

/**
 * Starts the browser's own download of `url` (streamed to disk, never read by the page) once a
 * HEAD of it answered (contentOpens): items trashed or deleted meanwhile, in another tab or on
 * another device, would start a download that fails or saves the server's JSON refusal.
 */
function checkedDownload(url: string, nodes: readonly FileNode[], onGone?: () => void): void {
  void contentOpens(url, nodes, onGone).then((opens) => {
    if (opens) {
      startDownload(url);
    }
  });
}

/** What the app says of items found trashed or deleted meanwhile: one by name, several together. */
function noLongerHere(nodes: readonly FileNode[]): string {
  const [only] = nodes;
  return nodes.length === 1 && only
    ? `“${only.name}” is no longer here: it was moved to the trash or deleted.`
    : 'Some of these items are no longer here: they were moved to the trash or deleted.';
}

/**
 * A dialog kept in a history entry, checked before Forward or a reload shows it again: its file
 * may have been trashed or deleted since (in another tab, on another device). Such a file is not
 * shown with actions that would fail; the user is told it is gone, and stays on the page.
 */
async function stillHere(kept: Dialog): Promise<Dialog | null> {
  const node = kept.kind === 'preview' ? kept.nodes[kept.index] : kept.kind === 'rename' || kept.kind === 'share' ? kept.node : undefined;
  if (!node) {
    return kept;
  }
  try {
    const fresh = await getNode(node.id);
    // Shown as it is now (renamed elsewhere, say).
    switch (kept.kind) {
      case 'preview':
        return { ...kept, nodes: kept.nodes.map((each) => (each.id === fresh.id ? fresh : each)) };
      case 'rename':
      case 'share':
        return { ...kept, node: fresh };
      case 'new-folder':
      case 'move':
      case 'copy':
        return kept;
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      showToast(noLongerHere([node]), 'error');
      return null;
    }
    // Offline, say: shown as kept; its actions say what fails.
    return kept;
  }
}

/**
 * Whether the content of `nodes` (a file's bytes, a zip) still answers at `url`, asked with a HEAD
 * (no bytes read, no archive built), before a new tab or a download is pointed at it: either would
 * show the server's refusal as is. Items trashed or deleted meanwhile are said to be gone, the
 * listing is refreshed and `onGone` runs; out of reach, the app's notice says so already.
 */
function contentOpens(url: string, nodes: readonly FileNode[], onGone?: () => void): Promise<boolean> {
  return contentAnswers(url, {
    signedIn: true,
    onRefused: (error) => {
      if (error instanceof ApiError && error.status === 404) {
        showToast(noLongerHere(nodes), 'error');
        invalidateData();
        onGone?.();
      } else if (!isUnreachable(error) && !(error instanceof ApiError && error.status === 401)) {
        // Out of reach or signed out, the app says so already: its notice, or the sign-in page.
        showToast(errorMessage(error), 'error');
      }
    },
  });
}

/** The folder a selection is made in (null: the root) and how many items it holds. */
export interface FolderContext {
  id: string | null;
  total: number;
}

export interface NodeActionsOptions {
  /** Told of a folder made with New folder, to show it (the page's list selects it). */
  onCreated?: (node: FileNode) => void;
}

/** Everything a user can do to files and folders, with the dialogs those actions need. */
export function useNodeActions({ onCreated }: NodeActionsOptions = {}): NodeActions {
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const onCreatedRef = useRef(onCreated);
  onCreatedRef.current = onCreated;
  const close = useCallback(() => setDialog(null), []);
  // Back (a phone's back gesture) closes a dialog or a preview, staying on the page; Forward
  // shows it again.
  useOverlayHistory('node-actions', dialog, setDialog, stillHere);

  const open = useCallback((node: FileNode, siblings?: FileNode[]) => {
    if (node.type === 'folder') {
      navigate(folderPath(node.id));
      return;
    }
    const files = (siblings ?? [node]).filter((each) => each.type === 'file');
    setDialog({
      kind: 'preview',
      nodes: files,
      index: Math.max(
        0,
        files.findIndex((each) => each.id === node.id),
      ),
    });
  }, []);

  const trash = useCallback(
    (nodes: FileNode[]) =>
      void each(
        nodes,
        'Moved to the trash:',
        (node) => trashNode(node.id),
        // Undo puts them back where they were (or at the top level, if that folder is gone too).
        (done) => ({ label: 'Undo', run: () => void each(done, 'Restored', (node) => restoreFromTrash(node.id)) }),
      ),
    [],
  );
  const clashes = useMoveClashes();
  const moveTo = useCallback(
    async (nodes: FileNode[], targetId: string | null) => {
      // A selection from Favourites or a search may hold items that are in that folder already:
      // they are said to be there, not counted as moved.
      const candidates = nodes.filter((node) => node.id !== targetId);
      const moving = candidates.filter((node) => node.parentId !== targetId);
      const alreadyThere = candidates.filter((node) => node.parentId === targetId);
      const alreadyThereText = (now: boolean) =>
        alreadyThere.length === 1
          ? `“${alreadyThere[0]?.name ?? ''}” ${now ? 'is' : 'was'} already there.`
          : `${formatCount(alreadyThere.length, 'item')} ${now ? 'are' : 'were'} already there.`;
      if (moving.length === 0) {
        if (alreadyThere.length > 0) {
          showToast(alreadyThereText(true), 'info');
        }
        return;
      }
      const there = alreadyThere.length > 0 ? alreadyThereText(false) : '';
      // What has moved before a question shows behind it.
      const outcome = await clashes.move(moving, targetId, invalidateData);
      invalidateData();
      const report = moveReport(outcome, moving[0]);
      const message = there ? `${report.message} ${there}` : report.message;
      const { kind } = report;
      const { moved } = outcome;
      // Undo moves each back to the folder it came from, under its own name, and brings back what it replaced.
      const undo = async () => {
        const report = await undoMoves(moved);
        invalidateData();
        showToast(report.message, report.kind);
      };
      showToast(message, kind, moved.length > 0 ? { label: 'Undo', run: () => void undo() } : undefined);
    },
    [clashes.move],
  );
  const rename = useCallback((node: FileNode) => setDialog({ kind: 'rename', node }), []);
  const newFolder = useCallback((parentId: string | null) => setDialog({ kind: 'new-folder', parentId }), []);

  const menuFor = useCallback(
    (nodes: FileNode[], siblings?: FileNode[], folder?: FolderContext): MenuEntry[] => {
      const single = nodes.length === 1 ? nodes[0] : undefined;
      const allFavorite = nodes.every((node) => node.favorite);
      const entries: MenuEntry[] = [];
      if (single) {
        entries.push({
          id: 'open',
          label: single.type === 'folder' ? 'Open' : 'Preview',
          icon: single.type === 'folder' ? 'folder' : 'eye',
          shortcut: 'Enter',
          run: () => open(single, siblings),
        });
      }
      entries.push(
        {
          id: 'download',
          label: single?.type === 'file' ? 'Download' : 'Download as zip',
          icon: 'download',
          primary: true,
          run: () => download(nodes, folder),
        },
        ...(single
          ? [
              {
                id: 'share',
                label: 'Share link…',
                icon: 'share' as const,
                primary: true,
                run: () => setDialog({ kind: 'share', node: single }),
              },
            ]
          : []),
        ...(single
          ? [{ id: 'rename', label: 'Rename…', icon: 'edit' as const, shortcut: 'F2', primary: true, run: () => rename(single) }]
          : []),
        { id: 'move', label: 'Move to…', icon: 'move', primary: true, run: () => setDialog({ kind: 'move', nodes }) },
        { id: 'copy', label: 'Copy to…', icon: 'copy', run: () => setDialog({ kind: 'copy', nodes }) },
        {
          id: 'favorite',
          label: allFavorite ? 'Remove from favourites' : 'Add to favourites',
          icon: 'star',
          run: () =>
            void each(nodes, allFavorite ? 'Removed from favourites:' : 'Added to favourites:', (node) =>
              updateNode(node.id, { favorite: !allFavorite }),
            ),
        },
        {
          id: 'trash',
          label: 'Move to trash',
          icon: 'trash',
          danger: true,
          primary: true,
          shortcut: 'Del',
          separated: true,
          run: () => trash(nodes),
        },
      );
      return entries;
    },
    [open, rename, trash],
  );

  const element = useMemo((): ReactNode => {
    if (!dialog) {
      return null;
    }
    switch (dialog.kind) {
      case 'rename': {
        const { node, back } = dialog;
        // Renamed from a preview: back to the preview, showing the new name.
        let renamed = node;
        return (
          <PromptDialog
            title={`Rename ${node.type}`}
            label="New name"
            initialValue={node.name}
            selectStem={node.type === 'file'}
            check={fileNameProblem}
            submitLabel="Rename"
            onClose={() =>
              setDialog(
                back
                  ? { kind: 'preview', nodes: back.nodes.map((each) => (each.id === renamed.id ? renamed : each)), index: back.index }
                  : null,
              )
            }
            onSubmit={async (name) => {
              if (name !== node.name) {
                renamed = await updateNode(node.id, { name });
                invalidateData();
              }
            }}
          />
        );
      }
      case 'new-folder':
        return (
          <PromptDialog
            title="New folder"
            label="Folder name"
            initialValue="New folder"
            check={fileNameProblem}
            submitLabel="Create"
            onClose={close}
            onSubmit={async (name) => {
              const folder = await createFolder(name, dialog.parentId);
              invalidateData();
              showToast(`Created “${name}”.`, 'success');
              onCreatedRef.current?.(folder);
            }}
          />
        );
      case 'move':
      case 'copy': {
        const { nodes, kind } = dialog;
        const what = nodes.length === 1 ? `“${nodes[0]?.name ?? ''}”` : formatCount(nodes.length, 'item');
        return (
          <FolderPickerDialog
            title={`${kind === 'move' ? 'Move' : 'Copy'} ${what}`}
            // Siblings usually go somewhere near: start in their folder, as Nextcloud and Files do.
            startId={new Set(nodes.map((node) => node.parentId)).size === 1 ? (nodes[0]?.parentId ?? null) : null}
            confirmLabel={kind === 'move' ? 'Move here' : 'Copy here'}
            excludeIds={kind === 'move' ? nodes.filter((node) => node.type === 'folder').map((node) => node.id) : []}
            disabledTarget={(folderId, path) =>
              kind === 'move' && nodes.every((node) => node.parentId === folderId)
                ? 'What you are moving is already here: choose another folder.'
                : kind === 'copy' && nodes.some((node) => node.type === 'folder' && path.includes(node.id))
                  ? 'A folder cannot be copied into itself or one of its subfolders: choose another folder.'
                  : null
            }
            onClose={close}
            onPick={async (targetId, names) => {
              close();
              if (kind === 'move') {
                await moveTo(nodes, targetId);
              } else {
                // Copies made one after another take names too.
                const taken = names ? new Set(names) : null;
                await each(nodes, 'Copied', async (node) => {
                  const copy = await copyKeepingBoth(node, targetId, taken);
                  taken?.add(copy.name);
                  return copy;
                });
              }
            }}
          />
        );
      }
      case 'share': {
        const onClose = () => setDialog(dialog.back ? { kind: 'preview', ...dialog.back } : null);
        return (
          <ModuleBoundary onClose={onClose}>
            <Suspense fallback={null}>
              <ShareDialog node={dialog.node} onClose={onClose} />
            </Suspense>
          </ModuleBoundary>
        );
      }
      case 'preview':
        return (
          <ModuleBoundary onClose={close}>
            <Suspense fallback={null}>
              <PreviewDialog
                nodes={dialog.nodes}
                initialIndex={dialog.index}
                onClose={close}
                onStep={(at) => setDialog({ kind: 'preview', ...at })}
                urlsFor={(node) => ({
                  inlineUrl: contentUrl(node.id, { inline: true }),
                  downloadUrl: contentUrl(node.id),
                  onDownload: (event) => {
                    event.preventDefault();
                    checkedDownload(event.currentTarget.href, [node], close);
                  },
                  onOpenInNewTab: (event) => openCheckedInNewTab(event, (url) => contentOpens(url, [node], close)),
                })}
                menuFor={(node, at) =>
                  menuFor([node])
                    .filter((entry) => entry.id !== 'open')
                    .map((entry) => {
                      // Rename and share from a preview come back to it.
                      if (entry.id === 'rename' || entry.id === 'share') {
                        return { ...entry, run: () => setDialog({ kind: entry.id as 'rename' | 'share', node, back: at }) };
                      }
                      // A file found gone closes its preview, as its new tab's check does.
                      return entry.id === 'download' ? { ...entry, run: () => download([node], undefined, close) } : entry;
                    })
                }
              />
            </Suspense>
          </ModuleBoundary>
        );
    }
  }, [dialog, close, moveTo, menuFor]);

  return {
    open,
    rename,
    trash,
    moveTo,
    newFolder,
    menuFor,
    element: (
      <>
        {element}
        {clashes.element}
      </>
    ),
  };
}
