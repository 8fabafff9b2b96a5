import type { CSSProperties } from 'react';
import { contentUrl } from '../api/files';
import type { FileNode } from '../api/types';
import { kindOf } from '../lib/file-kind';
import { formatBytes } from '../lib/format';
import { FileIcon } from './FileIcon';
import { Icon } from './Icon';
import { itemLabel, type ItemHandlers } from './item-handlers';

const THUMBNAIL_MAX_BYTES = 8 * 1024 * 1024;

/** One item of the grid view: a thumbnail for smaller images, the kind's icon otherwise. */
export function FileTile({
  node,
  index,
  selected,
  focused,
  dropTarget,
  style,
  handlers,
  setSize,
}: {
  node: FileNode | undefined;
  index: number;
  selected: boolean;
  focused: boolean;
  dropTarget: boolean;
  style: CSSProperties;
  handlers: ItemHandlers;
  setSize: number;
}) {
  if (!node) {
    return <div className="file-tile placeholder" style={style} aria-hidden="true" />;
  }
  const thumbnail = kindOf(node) === 'image' && node.size <= THUMBNAIL_MAX_BYTES && !/svg/.test(node.mimeType ?? node.name);
  const classes = ['file-tile', selected && 'is-selected', focused && 'is-focused', dropTarget && 'is-drop-target']
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
      <span className="tile-visual">
        {thumbnail ? (
          <img src={contentUrl(node.id, { inline: true })} alt="" loading="lazy" decoding="async" draggable={false} />
        ) : (
          <FileIcon node={node} size={44} />
        )}
      </span>
      <span className="tile-name" title={node.name}>
        {node.favorite ? <Icon name="star" size={12} filled className="favorite-mark" /> : null}
        {node.name}
      </span>
      <span className="tile-meta">{node.type === 'folder' ? 'Folder' : formatBytes(node.size)}</span>
      <span
        className="row-check tile-check"
        aria-hidden="true"
        onClick={(event) => {
          event.stopPropagation();
          handlers.toggle(index);
        }}
      >
        {selected ? <Icon name="check" size={14} /> : null}
      </span>
    </div>
  );
}
