import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { FileNode } from '../api/types';
import { collectDropped } from '../lib/dropped-files';
import { isFileDrag } from '../lib/drag';
import { uploadTree } from './uploads';

/**
 * Drop files or folders from the desktop anywhere on a page to upload them into its folder;
 * `onUploaded` is told of a single file dropped once it is stored.
 */
export function useFileDrop(folderId: string | null, enabled = true, onUploaded?: (node: FileNode) => void) {
  const [active, setActive] = useState(false);
  const depth = useRef(0);
  // A drop anywhere ends the drag, also one a folder row or a path step takes for itself (they
  // stop its propagation, and no dragleave follows a drop): seen first, on the way down.
  useEffect(() => {
    if (!active) {
      return;
    }
    const end = () => {
      depth.current = 0;
      setActive(false);
    };
    window.addEventListener('drop', end, true);
    window.addEventListener('dragend', end, true);
    return () => {
      window.removeEventListener('drop', end, true);
      window.removeEventListener('dragend', end, true);
    };
  }, [active]);
  const handlers = {
    onDragEnter: (event: DragEvent) => {
      if (enabled && isFileDrag(event.dataTransfer)) {
        depth.current += 1;
        setActive(true);
      }
    },
    onDragOver: (event: DragEvent) => {
      if (enabled && isFileDrag(event.dataTransfer)) {
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      }
    },
    onDragLeave: (event: DragEvent) => {
      if (enabled && isFileDrag(event.dataTransfer)) {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) {
          setActive(false);
        }
      }
    },
    onDrop: (event: DragEvent) => {
      depth.current = 0;
      setActive(false);
      if (enabled && isFileDrag(event.dataTransfer)) {
        event.preventDefault();
        void collectDropped(event.dataTransfer).then((tree) => uploadTree(folderId, tree, onUploaded));
      }
    },
  };
  return { active, handlers };
}
