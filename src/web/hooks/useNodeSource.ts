import type { FileNode } from '../api/types';

/**
 * What a file view renders: a list of `total` items, some of which may not be loaded yet
 * (folder listings load page by page as the user scrolls).
 */
export interface NodeSource {
  total: number;
  /** Changes whenever items change, for memoised views. */
  revision: number;
  itemAt: (index: number) => FileNode | undefined;
  /** True until the first answer. */
  loading: boolean;
  /**
   * The items shown are an earlier answer, kept on screen while the list loads again (another
   * search): not yet the ones to scroll back among.
   */
  refreshing?: boolean;
  error: unknown;
  /** Asks for the items in [start, end) to be loaded. */
  ensureRange: (start: number, end: number) => void;
  /** Loads every item (for "select all" over a large folder). */
  loadAll: () => Promise<FileNode[]>;
  reload: () => void;
}
