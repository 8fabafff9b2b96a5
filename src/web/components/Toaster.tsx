import { createPortal } from 'react-dom';
import { dismissToast, pauseToast, resumeToast, useToasts } from '../hooks/toasts';
import { Icon } from './Icon';
import { useTopModal } from './Modal';

/**
 * Short messages in a corner; screen readers hear them through the live region. While a modal
 * dialog is open they show inside it, where they can be used (an Undo after trashing from a
 * preview): everything outside it is inert and painted under it.
 */
export function Toaster() {
  const toasts = useToasts();
  const modal = useTopModal();
  const region = (
    <div className="toaster" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div
          key={toast.id}
          className={`toast toast-${toast.kind}`}
          // A toast someone is reading or about to use stays until they leave it.
          onPointerEnter={() => pauseToast(toast.id)}
          onPointerLeave={() => resumeToast(toast.id)}
          onFocus={() => pauseToast(toast.id)}
          onBlur={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget)) {
              resumeToast(toast.id);
            }
          }}
        >
          <Icon name={toast.kind === 'error' ? 'alert' : toast.kind === 'success' ? 'check' : 'cloud'} size={18} />
          <span className="toast-message">{toast.message}</span>
          {toast.action ? (
            <button
              type="button"
              className="button small toast-action"
              onClick={() => {
                dismissToast(toast.id);
                toast.action?.run();
              }}
            >
              {toast.action.label}
            </button>
          ) : null}
          <button type="button" className="icon-button small" aria-label="Dismiss" onClick={() => dismissToast(toast.id)}>
            <Icon name="close" size={16} />
          </button>
        </div>
      ))}
    </div>
  );
  return modal ? createPortal(region, modal) : region;
}
