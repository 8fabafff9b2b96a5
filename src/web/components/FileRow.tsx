import type { ReactNode } from 'react';
import { formatBytes, formatDay } from '../lib/format';
import { FileIcon } from './FileIcon';
import { Icon } from './Icon';
import { MiddleTruncated } from './MiddleTruncated';
import { itemClasses, itemOptionAttributes, ItemCheck, type FileItemProps } from './file-item';

/** One item of the list view (a placeholder while its page loads). */
export function FileRow({ secondary, ...item }: FileItemProps & { secondary?: ReactNode }) {
  const { node, index, style, handlers } = item;
  if (!node) {
    return (
      <div className="file-row placeholder" style={style} aria-hidden="true">
        <span className="skeleton" />
      </div>
    );
  }
  return (
    <div
      className={itemClasses(secondary !== undefined ? 'file-row has-secondary' : 'file-row', item)}
      style={style}
      {...itemOptionAttributes(node, item)}
    >
      <ItemCheck className="row-check" {...item} />
      <FileIcon node={node} />
      <span className="row-name">
        <MiddleTruncated className="name-text" name={node.name} />
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
      {/* For the pointer only: an option holds no controls of its own (the keyboard opens the
          same menu with Shift+F10 or the menu key, and touch with a long press). */}
      <span
        className="icon-button row-more"
        aria-hidden="true"
        title="Actions"
        onClick={(event) => {
          event.stopPropagation();
          handlers.menuFromButton(index, event.currentTarget);
        }}
      >
        <Icon name="more" size={18} />
      </span>
    </div>
  );
}
