import { checkNow } from '../api/reachability';
import { unreachableTitle, useReachability } from '../hooks/useReachability';
import { Icon } from './Icon';

/**
 * A bar saying the server cannot be reached while that lasts. It blocks nothing: what was loaded
 * stays on screen, and the app tries again by itself (Retry now asks at once). `detail` says what
 * the page does meanwhile.
 */
export function ConnectionNotice({ detail = 'Showing what was loaded; retrying…' }: { detail?: string }) {
  const state = useReachability();
  // Always in the page, so that screen readers announce the message when it appears.
  return (
    <div className="connection-notice-region" role="status">
      {state === 'reachable' ? null : (
        <div className="connection-notice">
          <Icon name="alert" size={18} />
          <span>
            {unreachableTitle(state)}. {detail}
          </span>
          <button type="button" className="button small" onClick={checkNow}>
            Retry now
          </button>
        </div>
      )}
    </div>
  );
}
