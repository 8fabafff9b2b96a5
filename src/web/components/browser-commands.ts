import type { FileNode } from '../api/types';
import type { MenuEntry } from './ContextMenu';

/** What a view lets the user do with its items. */
export interface BrowserCommands {
  open: (node: FileNode, siblings: FileNode[]) => void;
  menuFor: (nodes: FileNode[], siblings: FileNode[]) => MenuEntry[];
  /** Delete key. */
  remove?: (nodes: FileNode[]) => void;
  /** F2. */
  rename?: (node: FileNode) => void;
  /** Alt+Up / Backspace. */
  goUp?: () => void;
  /** Items dragged onto a folder item. */
  moveInto?: (nodes: FileNode[], targetId: string) => Promise<void>;
  /** Files from the desktop dropped onto a folder item. */
  uploadInto?: (targetId: string, dataTransfer: DataTransfer) => void;
  /** Right-click on the empty part of the view. */
  backgroundMenu?: () => MenuEntry[];
}
