import { checkNow } from '../api/reachability';
import { unreachableTitle, useReachability } from '../hooks/useReachability';
import { Icon } from './Icon';

/**
 * A bar saying the server cannot be reached while that lasts. It blocks nothing: what was loaded
 * stays on screen, and the app tries again by itself (Retry now asks at once).
 */
export function ConnectionNotice() {
  const state = useReachability();
  // Always in the page, so that screen readers announce the message when it appears.
  return (
    <div className="connection-notice-region" role="status">
      {state === 'reachable' ? null : (
        <div className="connection-notice">
          <Icon name="alert" size={18} />
          <span>{unreachableTitle(state)}. Showing what was loaded; retrying…</span>
          <button type="button" className="button small" onClick={checkNow}>
            Retry now
          </button>
        </div>
      )}
    </div>
  );
}
