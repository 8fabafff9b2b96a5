import { useEffect, useId, useRef, useSyncExternalStore, type ReactNode } from 'react';
import { Icon } from './Icon';

// The last few elements focused outside any dialog, newest last: where the focus goes back to
// when a dialog closes (a menu item that opened it may be gone by then, the row it was for not).
const focusHistory: HTMLElement[] = [];
if (typeof document !== 'undefined') {
  document.addEventListener('focusin', (event) => {
    const target = event.target;
    if (target instanceof HTMLElement && target !== document.body && !target.closest('dialog')) {
      const seen = focusHistory.indexOf(target);
      if (seen >= 0) {
        focusHistory.splice(seen, 1);
      }
      focusHistory.push(target);
      if (focusHistory.length > 8) {
        focusHistory.shift();
      }
    }
  });
}

/** The element to focus when a dialog closes: the newest one focused outside dialogs that is still on the page. */
function focusToRestore(): HTMLElement | undefined {
  for (let i = focusHistory.length - 1; i >= 0; i--) {
    const element = focusHistory[i]!;
    if (element.isConnected) {
      return element;
    }
  }
  return undefined;
}

// The open modal dialogs, the one on top last, for what must show inside the top one (toasts:
// everything outside a modal dialog is inert and painted under it).
let openModals: readonly HTMLDialogElement[] = [];
const modalListeners = new Set<() => void>();
function setOpenModals(next: readonly HTMLDialogElement[]): void {
  openModals = next;
  modalListeners.forEach((listener) => listener());
}

/** The modal dialog on top, if one is open. */
export function useTopModal(): HTMLDialogElement | null {
  return useSyncExternalStore(
    (listener) => {
      modalListeners.add(listener);
      return () => modalListeners.delete(listener);
    },
    () => openModals.at(-1) ?? null,
  );
}

export interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Buttons along the bottom. */
  footer?: ReactNode;
  size?: 'small' | 'medium' | 'large' | 'full';
  className?: string;
}

/**
 * A modal dialog on the native <dialog> element: the browser traps focus, closes on Escape and
 * returns focus to where it was.
 */
export function Modal({ title, onClose, children, footer, size = 'small', className }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    const active = document.activeElement;
    // What opened the dialog (a button in another dialog, too), else what had the focus before.
    const opener = active instanceof HTMLElement && active !== document.body ? active : focusToRestore();
    if (dialog && !dialog.open) {
      dialog.showModal();
      setOpenModals([...openModals, dialog]);
    }
    return () => {
      dialog?.close();
      setOpenModals(openModals.filter((open) => open !== dialog));
      // The dialog has left the page before this runs, so the browser did not give the focus
      // back: give it to what had it (or, when that is gone, to what had it before).
      if (!document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected) {
        (opener?.isConnected ? opener : focusToRestore())?.focus({ preventScroll: true });
      }
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`modal modal-${size}${className ? ` ${className}` : ''}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        // Escape in a dialog opened from this one is that dialog's (React passes it up the tree).
        if (event.target === ref.current) {
          onCloseRef.current();
        }
      }}
      onMouseDown={(event) => {
        // A press on the backdrop (the dialog element itself, outside its box) closes it.
        if (event.target === ref.current) {
          const box = ref.current.getBoundingClientRect();
          const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
          if (!inside) {
            onCloseRef.current();
          }
        }
      }}
    >
      <div className="modal-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={() => onCloseRef.current()}>
          <Icon name="close" />
        </button>
      </div>
      <div className="modal-body">{children}</div>
      {footer ? <div className="modal-footer">{footer}</div> : null}
    </dialog>
  );
}
