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

// Each toast's pending dismissal, and how long it stays once its timer runs again.
const timers = new Map<number, { handle: number | undefined; lifetimeMs: number }>();

/** Removes a toast. */
export function dismissToast(id: number): void {
  const timer = timers.get(id);
  window.clearTimeout(timer?.handle);
  timers.delete(id);
  toasts = toasts.filter((toast) => toast.id !== id);
  emit();
}

/** Keeps a toast on screen while the pointer or the focus is on it. */
export function pauseToast(id: number): void {
  const timer = timers.get(id);
  if (timer) {
    window.clearTimeout(timer.handle);
    timer.handle = undefined;
  }
}

/** Lets a paused toast go again, after its full time (a reader who just left it may want a moment). */
export function resumeToast(id: number): void {
  const timer = timers.get(id);
  if (timer && timer.handle === undefined) {
    timer.handle = window.setTimeout(() => dismissToast(id), timer.lifetimeMs);
  }
}

/** Shows a short message; errors, and messages with an action (Undo), stay longer. */
export function showToast(message: string, kind: Toast['kind'] = 'info', action?: ToastAction): void {
  const toast: Toast = { id: nextId++, kind, message, ...(action ? { action } : {}) };
  for (const gone of toasts.slice(0, -3)) {
    dismissToast(gone.id);
  }
  toasts = [...toasts, toast];
  emit();
  const lifetimeMs = kind === 'error' || action ? 8000 : 4000;
  timers.set(toast.id, { handle: window.setTimeout(() => dismissToast(toast.id), lifetimeMs), lifetimeMs });
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
