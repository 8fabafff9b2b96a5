import type { FileNode } from '../api/types';
import { iconKindOf } from '../lib/file-kind';
import { Icon } from './Icon';

/** The icon for a node, coloured by kind (folders blue, images green ...). */
export function FileIcon({ node, size = 22 }: { node: Pick<FileNode, 'type' | 'name' | 'mimeType'>; size?: number }) {
  const kind = iconKindOf(node);
  const name = kind === 'other' ? 'file' : kind;
  return (
    <span className={`file-icon kind-${kind}`}>
      <Icon name={name} size={size} filled={kind === 'folder'} />
    </span>
  );
}
