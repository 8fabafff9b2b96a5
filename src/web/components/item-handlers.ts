import type { HTMLAttributes } from 'react';
import type { FileNode } from '../api/types';
import { formatBytes } from '../lib/format';

/** What the list and grid items call back into the browser for. */
export interface ItemHandlers {
  /** Mouse, touch and drag-and-drop props for the item at this index. */
  props: (index: number, node: FileNode) => HTMLAttributes<HTMLDivElement>;
  /** The check box: add or remove the item from the selection. */
  toggle: (index: number) => void;
  /** The "more" button: the item's menu below the button. */
  menuFromButton: (index: number, button: HTMLElement) => void;
}

/** What a screen reader says for an item: "report.pdf, 1.2 MB" or "Photos, folder, favourite". */
export function itemLabel(node: FileNode): string {
  return `${node.name}, ${node.type === 'folder' ? 'folder' : formatBytes(node.size)}${node.favorite ? ', favourite' : ''}`;
}
