import { useAsync } from '../../hooks/useAsync';
import { formatBytes } from '../../lib/format';
import { ErrorState, Spinner } from '../States';

const LIMIT = 1024 * 1024;

/** The first megabyte of a URL as text, asking for a byte range and stopping the stream there anyway. */
async function fetchHead(url: string, signal: AbortSignal): Promise<{ text: string; truncated: boolean }> {
  const response = await fetch(url, { headers: { range: `bytes=0-${LIMIT - 1}` }, credentials: 'same-origin', signal });
  if (!response.ok) {
    throw new Error(response.status === 404 ? 'The file is gone.' : `The server answered ${response.status}.`);
  }
  const reader = response.body?.getReader();
  if (!reader) {
    return { text: await response.text(), truncated: false };
  }
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    const room = LIMIT - received;
    const chunk = value.byteLength > room ? value.subarray(0, room) : value;
    received += chunk.byteLength;
    text += decoder.decode(chunk, { stream: true });
    if (received >= LIMIT) {
      await reader.cancel();
      break;
    }
  }
  text += decoder.decode();
  const totalHeader = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
  const total = totalHeader ? Number(totalHeader) : Number(response.headers.get('content-length') ?? received);
  return { text, truncated: received >= LIMIT && total > received };
}

/** Text and code, shown as is in a scrollable <pre> (never rendered as HTML). */
export function TextPreview({ url, size }: { url: string; size: number }) {
  const { data, error, loading, reload } = useAsync((signal) => fetchHead(url, signal), [url]);
  if (loading && !data) {
    return <Spinner label="Loading text" />;
  }
  if (error) {
    return <ErrorState error={error} onRetry={reload} />;
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
