import { useLayoutEffect, useRef, useState } from 'react';
import type { Breadcrumb } from '../api/types';
import { draggedNodes, isFileDrag, isNodeDrag, setDraggedNodes } from '../lib/drag';
import { collectDropped } from '../lib/dropped-files';
import { folderPath } from '../lib/routes';
import { uploadTree } from '../hooks/uploads';
import type { FileNode } from '../api/types';
import { Icon } from './Icon';
import { Link } from './Link';

/** The path to the current folder; each step is a link and a drop target for moves and uploads. */
export function Breadcrumbs({
  crumbs,
  onMoveInto,
}: {
  crumbs: Breadcrumb[];
  onMoveInto: (nodes: FileNode[], targetId: string | null) => Promise<void>;
}) {
  const [over, setOver] = useState<string | null>(null);
  const all: { id: string | null; name: string }[] = [{ id: null, name: 'My files' }, ...crumbs];
  // A path wider than the screen (a phone, a deep folder) shows its end: the current folder.
  const list = useRef<HTMLOListElement>(null);
  const pathKey = crumbs.map((crumb) => crumb.id).join('/');
  useLayoutEffect(() => {
    if (list.current) {
      list.current.scrollLeft = list.current.scrollWidth;
    }
  }, [pathKey]);
  return (
    <nav className="breadcrumbs" aria-label="Folder path">
      <ol ref={list}>
        {all.map((crumb, i) => {
          const key = crumb.id ?? 'root';
          const last = i === all.length - 1;
          return (
            <li
              key={key}
              className={over === key ? 'crumb is-drop-target' : 'crumb'}
              onDragOver={(event) => {
                if (!last && (isNodeDrag(event.dataTransfer) || isFileDrag(event.dataTransfer))) {
                  event.preventDefault();
                  event.stopPropagation();
                  setOver(key);
                }
              }}
              onDragLeave={() => setOver(null)}
              onDrop={(event) => {
                if (last) {
                  return;
                }
                event.preventDefault();
                event.stopPropagation();
                setOver(null);
                if (isNodeDrag(event.dataTransfer)) {
                  const nodes = draggedNodes();
                  setDraggedNodes([]);
                  void onMoveInto(nodes, crumb.id);
                } else if (isFileDrag(event.dataTransfer)) {
                  void collectDropped(event.dataTransfer).then((tree) => uploadTree(crumb.id, tree));
                }
              }}
            >
              {i > 0 ? <Icon name="chevronRight" size={16} className="crumb-separator" /> : null}
              {last ? (
                <span className="crumb-current" aria-current="page">
                  {i === 0 ? <Icon name="home" size={18} /> : null}
                  <span>{crumb.name}</span>
                </span>
              ) : (
                <Link to={folderPath(crumb.id)} className="crumb-link">
                  {i === 0 ? <Icon name="home" size={18} /> : null}
                  <span>{crumb.name}</span>
                </Link>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
