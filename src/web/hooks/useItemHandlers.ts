import { useState, type DragEvent } from 'react';
import type { FileNode } from '../api/types';
import type { BrowserCommands } from '../components/browser-commands';
import type { ItemHandlers } from '../components/item-handlers';
import { draggedNodes, isFileDrag, isNodeDrag, NODE_DRAG_TYPE, setDraggedNodes } from '../lib/drag';
import type { NodeSource } from './useNodeSource';
import type { Selection } from './useSelection';

export interface ItemHandlerContext {
  source: NodeSource;
  selection: Selection;
  commands: BrowserCommands;
  /** Touch screens: a tap opens, unless items are being selected. */
  coarse: boolean;
  focusView: () => void;
  openMenu: (x: number, y: number, nodes: FileNode[]) => void;
  siblings: () => FileNode[];
  targetsFor: (node: FileNode) => FileNode[];
}

/**
 * Mouse, touch and drag-and-drop behaviour of the items of a file view: click selection, open on
 * double-click (or tap), context menus, dragging the selection onto a folder, and files from the
 * desktop dropped onto a folder. Also says which folder is highlighted as a drop target.
 */
export function useItemHandlers({ source, selection, commands, coarse, focusView, openMenu, siblings, targetsFor }: ItemHandlerContext): {
  handlers: ItemHandlers;
  dropTargetId: string | null;
} {
  const [dropTargetId, setDropTargetId] = useState<string | null>(null);

  const acceptsDrop = (node: FileNode, event: DragEvent) => {
    if (node.type !== 'folder') {
      return false;
    }
    if (isNodeDrag(event.dataTransfer)) {
      return Boolean(commands.moveInto) && !draggedNodes().some((dragged) => dragged.id === node.id);
    }
    return isFileDrag(event.dataTransfer) && Boolean(commands.uploadInto);
  };

  const handlers: ItemHandlers = {
    props: (index, node) => ({
      onClick: (event) => {
        focusView();
        if (coarse && selection.state.selected.size === 0 && !event.shiftKey && !event.ctrlKey && !event.metaKey) {
          commands.open(node, siblings());
          return;
        }
        selection.click(index, {
          shift: event.shiftKey,
          toggle: event.ctrlKey || event.metaKey || (coarse && selection.state.selected.size > 0),
        });
      },
      onDoubleClick: () => commands.open(node, siblings()),
      onContextMenu: (event) => {
        event.preventDefault();
        selection.ensureSelected(index);
        focusView();
        openMenu(event.clientX, event.clientY, targetsFor(node));
      },
      draggable: Boolean(commands.moveInto),
      onDragStart: (event) => {
        const nodes = targetsFor(node);
        selection.ensureSelected(index);
        setDraggedNodes(nodes);
        event.dataTransfer.setData(NODE_DRAG_TYPE, JSON.stringify(nodes.map((each) => each.id)));
        event.dataTransfer.setData('text/plain', nodes.map((each) => each.name).join('\n'));
        event.dataTransfer.effectAllowed = 'move';
      },
      onDragEnd: () => {
        setDraggedNodes([]);
        setDropTargetId(null);
      },
      onDragOver: (event) => {
        if (acceptsDrop(node, event)) {
          event.preventDefault();
          event.stopPropagation();
          event.dataTransfer.dropEffect = isNodeDrag(event.dataTransfer) ? 'move' : 'copy';
          setDropTargetId(node.id);
        }
      },
      onDragLeave: () => setDropTargetId((current) => (current === node.id ? null : current)),
      onDrop: (event) => {
        if (!acceptsDrop(node, event)) {
          return;
        }
        event.preventDefault();
        event.stopPropagation();
        setDropTargetId(null);
        if (isNodeDrag(event.dataTransfer)) {
          const nodes = draggedNodes();
          setDraggedNodes([]);
          void commands.moveInto?.(nodes, node.id);
        } else {
          commands.uploadInto?.(node.id, event.dataTransfer);
        }
      },
    }),
    toggle: (index) => {
      focusView();
      selection.click(index, { shift: false, toggle: true });
    },
    menuFromButton: (index, button) => {
      const node = source.itemAt(index);
      if (!node) {
        return;
      }
      // The menu is for this item (or the selection it is part of) without selecting it: on a
      // touch screen a selection turns taps into selecting, so the next tap would not open a file.
      selection.focusTo(index, { shift: false, toggle: true });
      const box = button.getBoundingClientRect();
      openMenu(box.left, box.bottom, targetsFor(node));
    },
  };

  return { handlers, dropTargetId };
}
