import type { FileNode, SortKey, SortOrder } from '../api/types';
import { extensionOf } from './file-kind';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Sorts like the server does for folder listings: folders first, then by the key. */
export function sortNodes<T extends FileNode>(nodes: readonly T[], sort: SortKey, order: SortOrder): T[] {
  const direction = order === 'asc' ? 1 : -1;
  const byName = (a: T, b: T) => collator.compare(a.name, b.name);
  const compare = (a: T, b: T): number => {
    switch (sort) {
      case 'name':
        return byName(a, b);
      case 'size':
        return a.size - b.size || byName(a, b);
      case 'createdAt':
        return a.createdAt.localeCompare(b.createdAt) || byName(a, b);
      case 'type':
        return extensionOf(a.name).localeCompare(extensionOf(b.name)) || byName(a, b);
    }
  };
  return [...nodes].sort((a, b) => {
    if (a.type !== b.type) {
      return a.type === 'folder' ? -1 : 1;
    }
    return compare(a, b) * direction;
  });
}
