import { useSyncExternalStore } from 'react';

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'success';
  message: string;
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

/** Shows a short message; errors stay longer. */
export function showToast(message: string, kind: Toast['kind'] = 'info'): void {
  const toast = { id: nextId++, kind, message };
  toasts = [...toasts.slice(-3), toast];
  emit();
  window.setTimeout(() => dismissToast(toast.id), kind === 'error' ? 8000 : 4000);
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
