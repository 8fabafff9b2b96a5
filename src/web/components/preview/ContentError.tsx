import { useEffect, useRef } from 'react';
import { ApiError } from '../../api/http';
import { ErrorState } from '../States';

/** Whether a file's content answered that it is not there for this link or user (any more). */
export function isGone(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 410);
}

/**
 * Why a file's content could not be read, with Try again. A file (or the link it is read through)
 * found gone is told to `onGone` too: a public link's page then says what became of the link.
 */
export function ContentError({ error, onRetry, onGone }: { error: unknown; onRetry: () => void; onGone?: () => void }) {
  const onGoneRef = useRef(onGone);
  onGoneRef.current = onGone;
  useEffect(() => {
    if (isGone(error)) {
      onGoneRef.current?.();
    }
  }, [error]);
  return <ErrorState error={error} onRetry={onRetry} />;
}
