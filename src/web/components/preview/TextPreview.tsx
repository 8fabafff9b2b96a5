import { readTextHead } from '../../api/text-head';
import { useAsync } from '../../hooks/useAsync';
import { formatBytes } from '../../lib/format';
import { Spinner } from '../States';
import { ContentError } from './ContentError';

const LIMIT = 1024 * 1024;

/** Text and code, shown as is in a scrollable <pre> (never rendered as HTML). */
export function TextPreview({ url, size, onGone }: { url: string; size: number; onGone?: () => void }) {
  const { data, error, loading, reload } = useAsync((signal) => readTextHead(url, LIMIT, signal), [url]);
  if (loading && !data) {
    return <Spinner label="Loading text" />;
  }
  if (error) {
    return <ContentError error={error} onRetry={reload} onGone={onGone} />;
  }
  return (
    <div className="text-preview">
      {data?.truncated ? (
        <p className="preview-note">
          Showing the first {formatBytes(LIMIT)} of {formatBytes(size)}. Download the file to see all of it.
        </p>
      ) : null}
      <pre tabIndex={0} aria-label="File contents">
        {data?.text}
      </pre>
    </div>
  );
}
