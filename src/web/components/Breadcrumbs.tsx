import { useLayoutEffect, useRef, useState } from 'react';
import type { Breadcrumb } from '../api/types';
import { draggedNodes, isFileDrag, isNodeDrag, setDraggedNodes } from '../lib/drag';
import { collectDropped } from '../lib/dropped-files';
import { folderPath } from '../lib/routes';
import { uploadTree } from '../hooks/uploads';
import type { FileNode } from '../api/types';
import { navigate } from '../hooks/navigation';
import { useElementWidth } from '../hooks/useElementWidth';
import { ContextMenu } from './ContextMenu';
import { Icon } from './Icon';
import { Link } from './Link';

/** A path that does not fit shows this many steps: the first and the last two, the rest behind "…". */
const COLLAPSED_SHOWN = 3;

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
  const nav = useRef<HTMLElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const width = useElementWidth(nav);
  const pathKey = crumbs.map((crumb) => crumb.id).join('/');
  // A path too long for the width keeps its start and its end in view; the folders between are
  // one click away. Measured, not counted: a wide screen shows a deep path whole.
  const [collapsed, setCollapsed] = useState(false);
  useLayoutEffect(() => setCollapsed(false), [pathKey, width]);
  useLayoutEffect(() => {
    const element = list.current;
    if (!collapsed && element && all.length > COLLAPSED_SHOWN && element.scrollWidth > element.clientWidth) {
      setCollapsed(true);
    }
  });
  const hidden = collapsed ? all.slice(1, -2) : [];
  const shown = hidden.length > 0 ? [all[0]!, ...all.slice(-2)] : all;
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  // A path still wider than the screen (a phone, long names) shows its end: the current folder.
  useLayoutEffect(() => {
    if (list.current) {
      list.current.scrollLeft = list.current.scrollWidth;
    }
  }, [pathKey, collapsed]);
  return (
    <nav ref={nav} className="breadcrumbs" aria-label="Folder path">
      <ol ref={list}>
        {shown.map((crumb, i) => {
          const key = crumb.id ?? 'root';
          const last = i === shown.length - 1;
          const more =
            i === 1 && hidden.length > 0 ? (
              <li key="more" className="crumb">
                <Icon name="chevronRight" size={16} className="crumb-separator" />
                <button
                  type="button"
                  className="crumb-link crumb-more"
                  aria-label={`${hidden.length} more folder${hidden.length === 1 ? '' : 's'} in the path`}
                  aria-haspopup="menu"
                  onClick={(event) => {
                    const box = event.currentTarget.getBoundingClientRect();
                    setMenu({ x: box.left, y: box.bottom + 4 });
                  }}
                >
                  …
                </button>
              </li>
            ) : null;
          return [
            more,
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
            </li>,
          ];
        })}
      </ol>
      {menu ? (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          entries={hidden.map((crumb) => ({
            id: crumb.id ?? 'root',
            label: crumb.name,
            icon: 'folder' as const,
            run: () => navigate(folderPath(crumb.id)),
          }))}
          onClose={() => setMenu(null)}
          label="Folders in the path"
        />
      ) : null}
    </nav>
  );
}
