import { useEffect } from 'react';
import { useDataVersion } from '../hooks/data-version';
import { useSession } from '../hooks/session';
import { formatBytes } from '../lib/format';

/** Used / quota with a bar, refreshed whenever files change. */
export function StorageMeter() {
  const { user, refresh } = useSession();
  const version = useDataVersion();
  useEffect(() => {
    if (version > 0) {
      void refresh();
    }
  }, [version, refresh]);
  if (!user) {
    return null;
  }
  const percentage = Math.min(100, Math.max(0, user.storagePercentage));
  const level = percentage >= 95 ? 'critical' : percentage >= 80 ? 'warning' : 'ok';
  return (
    <div className={`storage-meter level-${level}`}>
      <div className="storage-label">
        <span>Storage</span>
        <span>{percentage.toLocaleString(undefined, { maximumFractionDigits: 1 })}%</span>
      </div>
      <div
        className="meter"
        role="meter"
        aria-label="Storage used"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percentage}
        aria-valuetext={`${formatBytes(user.storageUsed)} of ${formatBytes(user.storageQuota)} used`}
      >
        <span className="meter-fill" style={{ width: `${percentage}%` }} />
      </div>
      <div className="storage-detail">
        {formatBytes(user.storageUsed)} of {formatBytes(user.storageQuota)} used
      </div>
    </div>
  );
}
