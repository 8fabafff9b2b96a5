import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { FileNode } from '../api/types';
import { handleBrowserKey } from '../hooks/browser-keys';
import { useElementWidth } from '../hooks/useElementWidth';
import { useRememberedView } from '../hooks/useRememberedView';
import { useItemHandlers } from '../hooks/useItemHandlers';
import { useMediaQuery } from '../hooks/useMediaQuery';
import type { NodeSource } from '../hooks/useNodeSource';
import { useSelection } from '../hooks/useSelection';
import { handOffListFocus, takeListFocus } from '../lib/focus-handoff';
import type { BrowserCommands } from './browser-commands';
import { ContextMenu, type MenuEntry } from './ContextMenu';
import { ListHeader, type SortControl } from './ListHeader';
import { SelectionBar } from './SelectionBar';
import { ErrorState, Spinner } from './States';
import { TILE_GAP, VirtualItems } from './VirtualItems';

export type { BrowserCommands } from './browser-commands';

export interface FileBrowserProps {
  source: NodeSource;
  label: string;
  view: 'list' | 'grid';
  sort?: SortControl;
  /** The selection is cleared when this changes (another folder). */
  resetKey: unknown;
  empty: ReactNode;
  commands: BrowserCommands;
  /** A second line under the name (a search hit's folder, time left in the trash). */
  secondary?: (node: FileNode) => ReactNode;
  /** Told which folder row something dragged is over (null: none), so the page can say where a drop goes. */
  onDropTarget?: (folder: FileNode | null) => void;
  /** Where to go instead when what is listed is not found (a folder deleted or never there). */
  notFoundAction?: ReactNode;
  /**
   * An item just made here (a new folder, a file uploaded on its own): selected, focused and
   * scrolled into view once the listing has it, however far down a big folder it sorts.
   */
  reveal?: { id: string } | null;
}

interface MenuState {
  x: number;
  y: number;
  entries: MenuEntry[];
}

const TILE_MIN = 150;

/** The loaded items, for previews that step through a folder's files. */
function loadedItems(source: NodeSource): FileNode[] {
  const items: FileNode[] = [];
  for (let i = 0; i < source.total; i += 1) {
    const item = source.itemAt(i);
    if (item) {
      items.push(item);
    }
  }
  return items;
}

/**
 * The file view: a virtualised list or grid over a NodeSource with multi-selection, keyboard
 * navigation, context menus and drag-and-drop (moving items onto folders, files from the desktop).
 */
export function FileBrowser({
  source,
  label,
  view,
  sort,
  resetKey,
  empty,
  commands,
  secondary,
  onDropTarget,
  notFoundAction,
  reveal = null,
}: FileBrowserProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const selection = useSelection(source, resetKey);
  const [menu, setMenu] = useState<MenuState | null>(null);
  const phone = useMediaQuery('(max-width: 640px)');
  const coarse = useMediaQuery('(pointer: coarse)');
  const width = useElementWidth(scrollRef);

  const columns = view === 'grid' ? Math.max(2, Math.floor((Math.max(width, 1) - TILE_GAP + TILE_GAP) / (TILE_MIN + TILE_GAP))) : 1;
  const rowHeight = view === 'grid' ? Math.floor((width - TILE_GAP * (columns + 1)) / columns) + 56 : phone || secondary ? 60 : 48;
  const rowCount = Math.ceil(source.total / columns);

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    paddingStart: view === 'grid' ? TILE_GAP : 0,
    paddingEnd: 24,
  });
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);

  const virtualRows = virtualizer.getVirtualItems();
  const firstRow = virtualRows[0]?.index ?? 0;
  const lastRow = virtualRows[virtualRows.length - 1]?.index ?? 0;
  useEffect(() => {
    source.ensureRange(firstRow * columns, (lastRow + 1) * columns);
  }, [source, firstRow, lastRow, columns]);

  // Keep the keyboard focus in view.
  const focus = selection.state.focus;
  // Whether the list is taking the focus from a mouse or touch press (see onFocus below).
  const pointerFocus = useRef(false);
  useEffect(() => {
    if (focus >= 0) {
      virtualizer.scrollToIndex(Math.floor(focus / columns), { align: 'auto' });
    }
  }, [focus, columns, virtualizer]);

  // Take the focus after a keyboard navigation between folders (see focus-handoff.ts).
  const handoff = useRef(takeListFocus());
  useEffect(() => {
    const pending = handoff.current;
    if (!pending || source.loading) {
      return;
    }
    handoff.current = null;
    scrollRef.current?.focus({ preventScroll: true });
    const wanted = pending.focusId;
    if (wanted === null) {
      return;
    }
    const land = (index: number) =>
      pending.select ? selection.ensureSelected(index) : selection.focusTo(index, { shift: false, toggle: true });
    for (let index = 0; index < source.total; index += 1) {
      if (source.itemAt(index)?.id === wanted) {
        land(index);
        return;
      }
    }
    // Not among the items loaded so far (a big folder): load them all, then land on it.
    void source.loadAll().then((all) => {
      const index = all.findIndex((node) => node.id === wanted);
      if (index >= 0) {
        land(index);
      }
    });
  }, [source, selection]);

  const focusedNode = focus >= 0 ? source.itemAt(focus) : undefined;

  // Back and Forward return to where the list was scrolled, with the same item focused once the
  // rows there have loaded (a big folder loads them as they come into view).
  const refocusId = useRef<string | null>(null);
  const restoringFocus = useRef(false);
  useRememberedView({
    scrollRef,
    viewKey: String(resetKey),
    ready: !source.loading && source.refreshing !== true && !source.error && source.total > 0,
    focusId: focusedNode?.id ?? null,
    restore: ({ top, focusId }) => {
      virtualizer.scrollToOffset(top);
      refocusId.current = focusId;
      // Keyboard users carry on where they were: the list takes the focus back from the page (or
      // the navigation link that led away), never from a field.
      const active = document.activeElement;
      if (!active || active === document.body || active.closest('nav') !== null) {
        // Not as a Tab into the list would (onFocus below): that focuses the first item, and
        // scrolling to it would undo the restored position.
        restoringFocus.current = true;
        scrollRef.current?.focus({ preventScroll: true });
        restoringFocus.current = false;
      }
    },
  });
  useEffect(() => {
    const wanted = refocusId.current;
    if (wanted === null) {
      return;
    }
    if (focus >= 0) {
      refocusId.current = null;
      return;
    }
    for (let index = firstRow * columns; index < Math.min(source.total, (lastRow + 1) * columns); index += 1) {
      if (source.itemAt(index)?.id === wanted) {
        refocusId.current = null;
        selection.focusTo(index, { shift: false, toggle: true });
        return;
      }
    }
  });

  // The item to reveal, until the listing has it: the listing reloads after the item was made,
  // and in a big folder it may sort into a page not loaded yet, loaded then (once per total, as
  // the reload changes it).
  const revealing = useRef<{ id: string; loadedFor: number } | null>(null);
  useEffect(() => {
    revealing.current = reveal === null ? null : { id: reveal.id, loadedFor: -1 };
  }, [reveal]);
  useEffect(() => {
    const pending = revealing.current;
    if (!pending || source.loading || source.error) {
      return;
    }
    for (let index = 0; index < source.total; index += 1) {
      if (source.itemAt(index)?.id === pending.id) {
        revealing.current = null;
        selection.focusTo(index, { shift: false, toggle: false });
        // Keyboard users go on from it (Enter opens it, F2 renames it), unless the focus has
        // meanwhile gone to a field or a dialog. Not as a Tab into the list would (onFocus below):
        // that would put the focus on the first item.
        const active = document.activeElement;
        if (!active || !active.closest('input, textarea, select, [contenteditable], dialog')) {
          restoringFocus.current = true;
          scrollRef.current?.focus({ preventScroll: true });
          restoringFocus.current = false;
        }
        return;
      }
    }
    if (pending.loadedFor !== source.total) {
      pending.loadedFor = source.total;
      void source.loadAll();
    }
  });

  const siblings = () => loadedItems(source);
  const targetsFor = (node: FileNode) => (selection.isSelected(node.id) ? selection.nodes() : [node]);

  const openMenu = (x: number, y: number, nodes: FileNode[]) => {
    if (nodes.length > 0) {
      setMenu({ x, y, entries: commands.menuFor(nodes, siblings()) });
    }
  };

  const menuAtFocus = () => {
    const node = focusedNode;
    if (!node) {
      return;
    }
    const element = document.getElementById(`item-${node.id}`);
    const box = element?.getBoundingClientRect();
    openMenu(box ? box.left + 48 : 100, box ? box.bottom - 4 : 100, targetsFor(node));
  };

  const focusView = () => scrollRef.current?.focus({ preventScroll: true });

  const { handlers, dropTargetId } = useItemHandlers({ source, selection, commands, coarse, focusView, openMenu, siblings, targetsFor });
  const onDropTargetRef = useRef(onDropTarget);
  onDropTargetRef.current = onDropTarget;
  useEffect(() => {
    onDropTargetRef.current?.(dropTargetId === null ? null : (loadedItems(source).find((node) => node.id === dropTargetId) ?? null));
    // Only a change of target matters; the source is read at that moment.
  }, [dropTargetId]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget) {
      return;
    }
    const handled = handleBrowserKey(event, {
      count: source.total,
      columns,
      pageItems: Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / rowHeight) * columns),
      selection,
      openFocused: () => {
        if (focusedNode?.type === 'folder') {
          handOffListFocus();
        }
        if (focusedNode) {
          commands.open(focusedNode, siblings());
        }
      },
      removeSelected: () => {
        const nodes = selection.nodes();
        const targets = nodes.length > 0 ? nodes : focusedNode ? [focusedNode] : [];
        if (targets.length > 0) {
          commands.remove?.(targets);
        }
      },
      renameFocused: () => {
        const nodes = selection.nodes();
        const target = nodes.length === 1 ? nodes[0] : focusedNode;
        if (target) {
          commands.rename?.(target);
        }
      },
      menuAtFocus,
      goUp: commands.goUp,
    });
    if (handled) {
      event.preventDefault();
    }
  };

  const selectedCount = selection.state.selected.size;
  const selectionEntries = selectedCount > 0 ? commands.menuFor(selection.nodes(), []) : [];
  const allSelected = source.total > 0 && selectedCount === source.total;
  const activeId = focusedNode ? `item-${focusedNode.id}` : undefined;

  let body: ReactNode;
  if (source.loading) {
    body = <Spinner label="Loading files" />;
  } else if (source.error) {
    body = <ErrorState error={source.error} onRetry={source.reload} notFoundAction={notFoundAction} />;
  } else if (source.total === 0) {
    body = empty;
  } else {
    body = (
      <VirtualItems
        source={source}
        view={view}
        columns={columns}
        width={width}
        rows={virtualRows}
        totalSize={virtualizer.getTotalSize()}
        selection={selection}
        dropTargetId={dropTargetId}
        secondary={secondary}
        handlers={handlers}
      />
    );
  }

  return (
    <div className={`file-browser view-${view}`}>
      {selectedCount > 0 ? (
        <SelectionBar
          count={selectedCount}
          entries={selectionEntries}
          onClear={selection.clear}
          onMore={(button) => {
            const box = button.getBoundingClientRect();
            openMenu(box.right - 220, box.bottom + 4, selection.nodes());
          }}
        />
      ) : view === 'list' && (source.total > 0 || source.loading) ? (
        // Kept while a new order loads, so the sort button just pressed keeps the focus.
        <ListHeader
          sort={sort}
          allSelected={allSelected}
          onToggleAll={() => (allSelected ? selection.clear() : void selection.selectAll())}
        />
      ) : null}
      <div
        ref={scrollRef}
        className="file-scroll"
        role="listbox"
        aria-label={label}
        aria-multiselectable="true"
        aria-activedescendant={activeId}
        aria-busy={source.loading}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onPointerDown={(event) => {
          pointerFocus.current = document.activeElement !== event.currentTarget;
        }}
        onPointerUp={() => {
          pointerFocus.current = false;
        }}
        onFocus={(event) => {
          // Tabbing into the list focuses its first item. A press does not: the focus would
          // scroll the list to the top between the press and its click, which would then land
          // on another row (or none) of a scrolled list.
          const fromPointer = pointerFocus.current || restoringFocus.current;
          pointerFocus.current = false;
          if (!fromPointer && event.target === event.currentTarget && focus < 0 && source.total > 0) {
            selection.focusTo(0, { shift: false, toggle: true });
          }
        }}
        onClick={(event) => {
          if (
            event.target === event.currentTarget ||
            (event.target instanceof HTMLElement && event.target.classList.contains('virtual-space'))
          ) {
            selection.clear();
          }
        }}
        onContextMenu={(event) => {
          const background =
            event.target === event.currentTarget ||
            (event.target instanceof HTMLElement && event.target.classList.contains('virtual-space'));
          const entries = background ? commands.backgroundMenu?.() : undefined;
          if (entries && entries.length > 0) {
            event.preventDefault();
            setMenu({ x: event.clientX, y: event.clientY, entries });
          }
        }}
      >
        {body}
      </div>
      {menu ? <ContextMenu x={menu.x} y={menu.y} entries={menu.entries} label="Actions" onClose={() => setMenu(null)} /> : null}
    </div>
  );
}
