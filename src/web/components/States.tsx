import type { ReactNode } from 'react';
import { ApiError, errorMessage, isUnreachable } from '../api/http';
import type { Reachability } from '../api/reachability';
import { unreachableTitle, useReachability } from '../hooks/useReachability';
import { Icon, type IconName } from './Icon';

/** A spinner with a label for screen readers. */
export function Spinner({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden="true" />
      <span className="visually-hidden">{label}…</span>
    </div>
  );
}

/** What a view shows when there is nothing in it (`pageHeading`: its title is the page's own heading). */
export function EmptyState({ icon, title, children, pageHeading = false }: { icon: IconName; title: string; children?: ReactNode; pageHeading?: boolean }) {
  const Heading = pageHeading ? 'h1' : 'h2';
  return (
    <div className="empty-state">
      <span className="empty-icon">
        <Icon name={icon} size={40} />
      </span>
      <Heading>{title}</Heading>
      {children ? <div className="empty-text">{children}</div> : null}
    </div>
  );
}

/** What a failed load says: the heading and the sentence under it. */
function failureText(error: unknown, reachability: Reachability): { title: string; text: string } {
  if (error instanceof ApiError && error.status === 404) {
    return { title: 'Not found', text: 'It may have been moved, deleted or never existed.' };
  }
  if (isUnreachable(error)) {
    // The load is made again by itself once the server answers (see useAsync, useFolderListing).
    return { title: unreachableTitle(reachability), text: 'This loads by itself once the connection is back.' };
  }
  return { title: 'Could not load this', text: errorMessage(error) };
}

/** A failed load, with a way to try again. */
export function ErrorState({ error, onRetry, notFoundAction }: { error: unknown; onRetry?: () => void; notFoundAction?: ReactNode }) {
  const notFound = error instanceof ApiError && error.status === 404;
  const { title, text } = failureText(error, useReachability());
  return (
    <div className="empty-state error-state" role="alert">
      <span className="empty-icon">
        <Icon name="alert" size={40} />
      </span>
      <h2>{title}</h2>
      <p className="empty-text">{text}</p>
      {notFound ? notFoundAction : null}
      {onRetry && !notFound ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
