import type { ReactNode } from 'react';
import { checkContent } from '../../api/files';
import { useAsync } from '../../hooks/useAsync';
import { Spinner } from '../States';
import { ContentError } from './ContentError';

/**
 * Shows what the browser plays by itself (an image, a PDF, a video) once the server has answered
 * for its content. The browser's own failure says nothing of why (a PDF frame shows its own error
 * page): asked first, the preview says the server is out of reach, loading by itself once it
 * answers, or that the file is gone, as a text preview does.
 */
export function ReachableContent({ url, onGone, children }: { url: string; onGone?: () => void; children: ReactNode }) {
  const check = useAsync((signal) => checkContent(url, { signal }), [url]);
  if (check.loading) {
    return <Spinner label="Loading preview" />;
  }
  if (check.error) {
    return <ContentError error={check.error} onRetry={check.reload} onGone={onGone} />;
  }
  return children;
}
