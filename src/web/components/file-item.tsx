import type { CSSProperties, HTMLAttributes } from 'react';
import type { FileNode } from '../api/types';
import { Icon } from './Icon';
import { itemLabel, type ItemHandlers } from './item-handlers';

/** What the list row and the grid tile both receive for one item (no node while its page loads). */
export interface FileItemProps {
  node: FileNode | undefined;
  index: number;
  selected: boolean;
  focused: boolean;
  dropTarget: boolean;
  style: CSSProperties;
  handlers: ItemHandlers;
  setSize: number;
}

/** The item's state classes after its base class: "file-row is-selected is-focused". */
export function itemClasses(
  base: string,
  { selected, focused, dropTarget }: Pick<FileItemProps, 'selected' | 'focused' | 'dropTarget'>,
): string {
  return [base, selected && 'is-selected', focused && 'is-focused', dropTarget && 'is-drop-target'].filter(Boolean).join(' ');
}

/** The listbox option attributes and the mouse, touch and drag handlers of a loaded item. */
export function itemOptionAttributes(
  node: FileNode,
  { index, selected, setSize, handlers }: Pick<FileItemProps, 'index' | 'selected' | 'setSize' | 'handlers'>,
): HTMLAttributes<HTMLDivElement> & { 'data-index': number; 'data-type': FileNode['type'] } {
  return {
    id: `item-${node.id}`,
    role: 'option',
    'aria-selected': selected,
    'aria-posinset': index + 1,
    'aria-setsize': setSize,
    'aria-label': itemLabel(node),
    'data-index': index,
    'data-type': node.type,
    ...handlers.props(index, node),
  };
}

/**
 * The check box of an item: toggles it in the selection without opening it. The outer span is what
 * takes the press (larger than the box on touch and narrow screens); the inner one is the box.
 */
export function ItemCheck({
  className,
  index,
  selected,
  handlers,
}: { className: string } & Pick<FileItemProps, 'index' | 'selected' | 'handlers'>) {
  return (
    <span
      className={className}
      aria-hidden="true"
      onClick={(event) => {
        event.stopPropagation();
        handlers.toggle(index);
      }}
    >
      <span className="check-box">{selected ? <Icon name="check" size={14} /> : null}</span>
    </span>
  );
}
