import { uploadQueue } from '../hooks/uploads';
import { formatBytes, formatSpeed } from '../lib/format';
import type { UploadItem } from '../lib/upload-queue';
import { FileIcon } from './FileIcon';
import { Icon } from './Icon';

function statusText(item: UploadItem): string {
  switch (item.status) {
    case 'queued':
      return `Waiting · ${formatBytes(item.size)}`;
    case 'uploading':
      return `${formatBytes(item.loaded)} of ${formatBytes(item.size)}${item.speed > 0 ? ` · ${formatSpeed(item.speed)}` : ''}`;
    case 'reconnecting':
      // Not a failure: the server keeps what it received, and the upload goes on from there by itself.
      return `Connection lost, reconnecting… ${formatBytes(item.loaded)} of ${formatBytes(item.size)} kept`;
    case 'done':
      // "Keep both" stores it under a numbered name: say which, the list shows that name.
      return item.storedName && item.storedName !== item.name
        ? `Uploaded as “${item.storedName}” · ${formatBytes(item.size)}`
        : `Uploaded · ${formatBytes(item.size)}`;
    case 'cancelled':
      return 'Cancelled';
    case 'skipped':
      return 'Skipped';
    case 'conflict':
    case 'error':
      return item.error ?? 'Failed';
  }
}

/** One file in the upload panel: progress, speed, and what can be done about it. */
export function UploadItemRow({ item }: { item: UploadItem }) {
  const percent =
    item.size > 0 ? Math.round(((item.status === 'done' ? item.size : item.loaded) / item.size) * 100) : item.status === 'done' ? 100 : 0;
  return (
    <li className={`upload-item status-${item.status}`}>
      <FileIcon node={{ type: 'file', name: item.name, mimeType: null }} size={20} />
      <div className="upload-info">
        <div className="upload-name" title={item.destination ? `${item.destination}/${item.name}` : item.name}>
          {item.name}
          {item.destination ? <span className="muted"> in {item.destination}</span> : null}
        </div>
        <div
          className="progress"
          role="progressbar"
          aria-label={`Upload of ${item.name}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
        >
          <span className="progress-fill" style={{ width: `${percent}%` }} />
        </div>
        <div
          className={item.status === 'error' || item.status === 'conflict' ? 'upload-status error' : 'upload-status'}
          role={item.status === 'error' ? 'alert' : item.status === 'reconnecting' ? 'status' : undefined}
        >
          {statusText(item)}
        </div>
        {item.status === 'conflict' ? (
          <div className="conflict-actions" role="group" aria-label={`${item.name} already exists`}>
            <button type="button" className="button small" onClick={() => uploadQueue.resolveConflict(item.id, 'rename')}>
              Keep both
            </button>
            {item.replaceable ? (
              <button type="button" className="button small" onClick={() => uploadQueue.resolveConflict(item.id, 'replace')}>
                Replace
              </button>
            ) : null}
            <button type="button" className="button small" onClick={() => uploadQueue.resolveConflict(item.id, 'skip')}>
              Skip
            </button>
          </div>
        ) : null}
      </div>
      {item.status === 'queued' || item.status === 'uploading' || item.status === 'reconnecting' ? (
        <button
          type="button"
          className="icon-button small"
          aria-label={`Cancel upload of ${item.name}`}
          onClick={() => uploadQueue.cancel(item.id)}
        >
          <Icon name="close" size={16} />
        </button>
      ) : item.status === 'error' || item.status === 'cancelled' ? (
        <button
          type="button"
          className="icon-button small"
          aria-label={`Retry upload of ${item.name}`}
          onClick={() => uploadQueue.retry(item.id)}
        >
          <Icon name="restore" size={16} />
        </button>
      ) : item.status === 'done' ? (
        <span className="upload-done" aria-hidden="true">
          <Icon name="check" size={16} />
        </span>
      ) : null}
    </li>
  );
}
