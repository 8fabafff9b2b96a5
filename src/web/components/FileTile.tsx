import { useState } from 'react';
import { contentUrl } from '../api/files';
import { kindOf } from '../lib/file-kind';
import { formatBytes } from '../lib/format';
import { FileIcon } from './FileIcon';
import { Icon } from './Icon';
import { MiddleTruncated } from './MiddleTruncated';
import { itemClasses, itemOptionAttributes, ItemCheck, type FileItemProps } from './file-item';

const THUMBNAIL_MAX_BYTES = 8 * 1024 * 1024;

/** One item of the grid view: a thumbnail for smaller images, the kind's icon otherwise. */
export function FileTile(item: FileItemProps) {
  const { node, style } = item;
  // An image the browser cannot decode (damaged, or a format it does not know) shows its kind's icon.
  const [unreadable, setUnreadable] = useState(false);
  if (!node) {
    return <div className="file-tile placeholder" style={style} aria-hidden="true" />;
  }
  const thumbnail = kindOf(node) === 'image' && node.size <= THUMBNAIL_MAX_BYTES && !/svg/.test(node.mimeType ?? node.name) && !unreadable;
  return (
    <div className={itemClasses('file-tile', item)} style={style} {...itemOptionAttributes(node, item)}>
      <span className="tile-visual">
        {thumbnail ? (
          <img
            src={contentUrl(node.id, { inline: true })}
            alt=""
            loading="lazy"
            decoding="async"
            draggable={false}
            onError={() => setUnreadable(true)}
          />
        ) : (
          <FileIcon node={node} size={44} />
        )}
      </span>
      <span className="tile-name">
        {node.favorite ? <Icon name="star" size={12} filled className="favorite-mark" /> : null}
        <MiddleTruncated className="tile-name-text" name={node.name} />
      </span>
      <span className="tile-meta">{node.type === 'folder' ? 'Folder' : formatBytes(node.size)}</span>
      <ItemCheck className="row-check tile-check" {...item} />
    </div>
  );
}
