import type { VirtualItem } from '@tanstack/react-virtual';
import type { ReactNode } from 'react';
import type { FileNode } from '../api/types';
import type { NodeSource } from '../hooks/useNodeSource';
import type { Selection } from '../hooks/useSelection';
import { FileRow } from './FileRow';
import { FileTile } from './FileTile';
import type { ItemHandlers } from './item-handlers';

/** Space between grid tiles, and around them. */
export const TILE_GAP = 12;

export interface VirtualItemsProps {
  source: NodeSource;
  view: 'list' | 'grid';
  columns: number;
  /** The scroll area's width, for tile sizes. */
  width: number;
  rows: VirtualItem[];
  totalSize: number;
  selection: Selection;
  dropTargetId: string | null;
  secondary?: (node: FileNode) => ReactNode;
  handlers: ItemHandlers;
}

/** The rows (list) or rows of tiles (grid) the virtualiser says are in view, absolutely placed. */
export function VirtualItems({
  source,
  view,
  columns,
  width,
  rows: virtualRows,
  totalSize,
  selection,
  dropTargetId,
  secondary,
  handlers,
}: VirtualItemsProps) {
  const focus = selection.state.focus;
  return (
    <div className="virtual-space" style={{ height: totalSize }}>
      {virtualRows.map((row) => {
        if (view === 'list') {
          const node = source.itemAt(row.index);
          return (
            <FileRow
              key={node?.id ?? `placeholder-${row.index}`}
              node={node}
              index={row.index}
              selected={node ? selection.isSelected(node.id) : false}
              focused={row.index === focus}
              dropTarget={node !== undefined && node.id === dropTargetId}
              secondary={node && secondary ? secondary(node) : undefined}
              style={{ transform: `translateY(${row.start}px)`, height: row.size }}
              handlers={handlers}
              setSize={source.total}
            />
          );
        }
        const tiles: ReactNode[] = [];
        for (let column = 0; column < columns; column += 1) {
          const index = row.index * columns + column;
          if (index >= source.total) {
            break;
          }
          const node = source.itemAt(index);
          const size = (width - TILE_GAP * (columns + 1)) / columns;
          tiles.push(
            <FileTile
              key={node?.id ?? `placeholder-${index}`}
              node={node}
              index={index}
              selected={node ? selection.isSelected(node.id) : false}
              focused={index === focus}
              dropTarget={node !== undefined && node.id === dropTargetId}
              style={{
                transform: `translate(${TILE_GAP + column * (size + TILE_GAP)}px, ${row.start}px)`,
                width: size,
                height: row.size - TILE_GAP,
              }}
              handlers={handlers}
              setSize={source.total}
            />,
          );
        }
        return tiles;
      })}
    </div>
  );
}
