import type { CSSProperties, ReactNode } from 'react';
import type { FileNode } from '../api/types';
import { formatBytes, formatDay } from '../lib/format';
import { FileIcon } from './FileIcon';
import { Icon } from './Icon';
import { itemLabel, type ItemHandlers } from './item-handlers';

/** One item of the list view (a placeholder while its page loads). */
export function FileRow({
  node,
  index,
  selected,
  focused,
  dropTarget,
  secondary,
  style,
  handlers,
  setSize,
}: {
  node: FileNode | undefined;
  index: number;
  selected: boolean;
  focused: boolean;
  dropTarget: boolean;
  secondary?: ReactNode;
  style: CSSProperties;
  handlers: ItemHandlers;
  setSize: number;
}) {
  if (!node) {
    return (
      <div className="file-row placeholder" style={style} aria-hidden="true">
        <span className="skeleton" />
      </div>
    );
  }
  const classes = [
    'file-row',
    secondary !== undefined && 'has-secondary',
    selected && 'is-selected',
    focused && 'is-focused',
    dropTarget && 'is-drop-target',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      id={`item-${node.id}`}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      aria-label={itemLabel(node)}
      className={classes}
      style={style}
      data-index={index}
      data-type={node.type}
      {...handlers.props(index, node)}
    >
      <span
        className="row-check"
        aria-hidden="true"
        onClick={(event) => {
          event.stopPropagation();
          handlers.toggle(index);
        }}
      >
        {selected ? <Icon name="check" size={14} /> : null}
      </span>
      <FileIcon node={node} />
      <span className="row-name">
        <span className="name-text" title={node.name}>
          {node.name}
        </span>
        {node.favorite ? (
          <span className="favorite-mark" title="Favourite">
            <Icon name="star" size={14} filled />
            <span className="visually-hidden">(favourite)</span>
          </span>
        ) : null}
        <span className="row-secondary">
          {secondary ?? (node.type === 'folder' ? 'Folder' : `${formatBytes(node.size)} · ${formatDay(node.createdAt)}`)}
        </span>
      </span>
      <span className="row-size">{node.type === 'folder' ? '—' : formatBytes(node.size)}</span>
      <span className="row-date">{formatDay(node.createdAt)}</span>
      <button
        type="button"
        className="icon-button row-more"
        tabIndex={-1}
        aria-label={`Actions for ${node.name}`}
        onClick={(event) => {
          event.stopPropagation();
          handlers.menuFromButton(index, event.currentTarget);
        }}
      >
        <Icon name="more" size={18} />
      </button>
    </div>
  );
}
