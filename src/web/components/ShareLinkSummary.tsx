import type { ShareLink } from '../api/types';
import { formatDateTime } from '../lib/format';
import { Icon } from './Icon';

/** Expiry, password and downloads of a link, in one line. */
export function ShareLinkSummary({ share }: { share: ShareLink }) {
  const expired = share.expiresAt !== null && new Date(share.expiresAt).getTime() < Date.now();
  const exhausted = share.maxDownloads !== null && share.accessCount >= share.maxDownloads;
  return (
    <div className="share-summary">
      <span className={share.token ? 'share-token mono' : 'share-token'}>
        <Icon name="link" size={16} /> {share.token ? `…${share.token.slice(-8)}` : `Created ${formatDateTime(share.createdAt)}`}
      </span>
      <span className={expired ? 'badge danger' : 'badge'}>
        {expired ? 'Expired' : share.expiresAt ? `Until ${formatDateTime(share.expiresAt)}` : 'No expiry'}
      </span>
      {share.hasPassword ? (
        <span className="badge">
          <Icon name="lock" size={14} /> Password
        </span>
      ) : null}
      <span className={exhausted ? 'badge danger' : 'badge'}>
        {/* The last number says the noun's number: "1 download", "1 of 1 download", "1 of 3 downloads". */}
        {share.accessCount} {share.maxDownloads !== null ? `of ${share.maxDownloads} ` : ''}download
        {(share.maxDownloads ?? share.accessCount) === 1 ? '' : 's'}
      </span>
    </div>
  );
}
