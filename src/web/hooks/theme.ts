import { useSyncExternalStore } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'fileflow.theme';
const listeners = new Set<() => void>();

function read(): ThemeChoice {
  try {
    const stored = window.localStorage.getItem(KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

/** Puts the choice on <html data-theme>; "system" leaves it to prefers-color-scheme. */
export function applyTheme(choice: ThemeChoice = read()): void {
  if (choice === 'system') {
    delete document.documentElement.dataset.theme;
  } else {
    document.documentElement.dataset.theme = choice;
  }
}

/** Remembers and applies a theme. */
export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') {
      window.localStorage.removeItem(KEY);
    } else {
      window.localStorage.setItem(KEY, choice);
    }
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  applyTheme(choice);
  listeners.forEach((listener) => listener());
}

/** The theme the user picked. */
export function useTheme(): ThemeChoice {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, read);
}

/** Whether dark colours are showing right now (the choice, or the system's). */
export function isDarkNow(choice: ThemeChoice): boolean {
  return choice === 'dark' || (choice === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
}
