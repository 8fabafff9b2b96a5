import { useState } from 'react';
import { uploadQueue, useUploads } from '../hooks/uploads';
import { formatBytes, formatSpeed } from '../lib/format';
import { uploadTotals } from '../lib/upload-queue';
import { Icon } from './Icon';
import { UploadItemRow } from './UploadItemRow';

/** The uploads of this session, bottom right: total progress and speed, each file, cancel and clash choices. */
export function UploadPanel() {
  const items = useUploads();
  const [collapsed, setCollapsed] = useState(false);
  if (items.length === 0) {
    return null;
  }
  const totals = uploadTotals(items);
  const percent = totals.total > 0 ? Math.round((totals.loaded / totals.total) * 100) : 100;
  const counted = items.filter((item) => item.status !== 'cancelled' && item.status !== 'skipped').length;
  // Files whose name is taken wait for a choice (Keep both, Replace, Skip): say so, not "uploading".
  const waiting = [
    totals.reconnecting > 0 ? `${totals.reconnecting} reconnecting` : '',
    totals.conflicts > 0 ? `${totals.conflicts} waiting for your choice` : '',
  ]
    .filter(Boolean)
    .map((part) => ` · ${part}`)
    .join('');
  const title =
    totals.active > totals.conflicts
      ? `Uploading: ${totals.done} of ${counted} done${waiting}`
      : totals.active > 0
        ? totals.conflicts === 1
          ? '1 file waits for your choice: its name is taken'
          : `${totals.conflicts} files wait for your choice: their names are taken`
        : totals.failed > 0
          ? `${totals.failed} upload${totals.failed === 1 ? '' : 's'} failed`
          : `${totals.done} upload${totals.done === 1 ? '' : 's'} complete`;
  return (
    <section className={collapsed ? 'upload-panel collapsed' : 'upload-panel'} aria-label="Uploads">
      <div className="upload-header">
        <div className="upload-title">
          <strong>{title}</strong>
          <span className="muted">
            {formatBytes(totals.loaded)} of {formatBytes(totals.total)}
            {totals.speed > 0 ? ` · ${formatSpeed(totals.speed)}` : ''}
          </span>
        </div>
        <button
          type="button"
          className="icon-button small"
          aria-label={collapsed ? 'Expand uploads' : 'Collapse uploads'}
          aria-expanded={!collapsed}
          onClick={() => setCollapsed(!collapsed)}
        >
          <Icon name={collapsed ? 'arrowUp' : 'chevronDown'} size={18} />
        </button>
        {totals.active > 0 ? (
          <button
            type="button"
            className="icon-button small"
            aria-label="Cancel all uploads"
            title="Cancel all"
            onClick={() => uploadQueue.cancelAll()}
          >
            <Icon name="close" size={18} />
          </button>
        ) : (
          <button
            type="button"
            className="icon-button small"
            aria-label="Close the upload panel"
            onClick={() => uploadQueue.clearFinished()}
          >
            <Icon name="close" size={18} />
          </button>
        )}
      </div>
      <div
        className="progress total"
        role="progressbar"
        aria-label="Total upload progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <span className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      {!collapsed ? (
        <>
          {totals.failed > 1 && totals.active === 0 ? (
            <div className="conflict-all">
              <span>{totals.failed} uploads failed:</span>
              <button type="button" className="button small" onClick={() => uploadQueue.retryAll()}>
                Retry all
              </button>
            </div>
          ) : null}
          {totals.conflicts > 1 ? (
            <div className="conflict-all" role="group" aria-label="For every file that already exists">
              <span>{totals.conflicts} files already exist:</span>
              <button type="button" className="button small" onClick={() => uploadQueue.resolveAllConflicts('rename')}>
                Keep all
              </button>
              {/* Not when every name is a folder's, which a file cannot replace. */}
              {items.some((item) => item.status === 'conflict' && item.replaceable) ? (
                <button type="button" className="button small" onClick={() => uploadQueue.resolveAllConflicts('replace')}>
                  Replace all
                </button>
              ) : null}
              <button type="button" className="button small" onClick={() => uploadQueue.resolveAllConflicts('skip')}>
                Skip all
              </button>
            </div>
          ) : null}
          <ul className="upload-list">
            {items.map((item) => (
              <UploadItemRow key={item.id} item={item} />
            ))}
          </ul>
          {totals.active === 0 ? null : (
            <div className="upload-footer">
              <button type="button" className="link-button" onClick={() => uploadQueue.clearFinished()}>
                Clear finished
              </button>
            </div>
          )}
        </>
      ) : null}
    </section>
  );
}
