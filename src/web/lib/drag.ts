import type { FileNode } from '../api/types';

/** The drag type that marks a drag of FileFlow items (as opposed to files from the desktop). */
export const NODE_DRAG_TYPE = 'application/x-fileflow-nodes';

let dragged: FileNode[] = [];

/** Remembers what is being dragged; dragover handlers cannot read the DataTransfer's data. */
export function setDraggedNodes(nodes: FileNode[]): void {
  dragged = nodes;
}

export function draggedNodes(): FileNode[] {
  return dragged;
}

/** True while FileFlow items are dragged. */
export function isNodeDrag(dataTransfer: DataTransfer): boolean {
  return dataTransfer.types.includes(NODE_DRAG_TYPE);
}

/** True while files from outside the browser are dragged. */
export function isFileDrag(dataTransfer: DataTransfer): boolean {
  return dataTransfer.types.includes('Files') && !isNodeDrag(dataTransfer);
}
