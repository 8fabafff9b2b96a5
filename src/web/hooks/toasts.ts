import { useSyncExternalStore } from 'react';

/** A button on a toast that undoes or follows up what it reports. */
export interface ToastAction {
  label: string;
  run: () => void;
}

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'success';
  message: string;
  action?: ToastAction;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((listener) => listener());

/** Removes a toast. */
export function dismissToast(id: number): void {
  toasts = toasts.filter((toast) => toast.id !== id);
  emit();
}

/** Shows a short message; errors, and messages with an action (Undo), stay longer. */
export function showToast(message: string, kind: Toast['kind'] = 'info', action?: ToastAction): void {
  const toast: Toast = { id: nextId++, kind, message, ...(action ? { action } : {}) };
  toasts = [...toasts.slice(-3), toast];
  emit();
  window.setTimeout(() => dismissToast(toast.id), kind === 'error' || action ? 8000 : 4000);
}

/** The toasts on screen. */
export function useToasts(): Toast[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => toasts,
  );
}
