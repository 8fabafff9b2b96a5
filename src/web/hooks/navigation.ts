import { useCallback, useEffect, useReducer, useRef, useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());

window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = () => window.location.pathname + window.location.search;

// Every history entry of the app carries a key of its own, so that what a page showed (where a
// list was scrolled to) can be remembered per entry and given back on Back and Forward.
const ENTRY_KEY = 'fileflowEntry';
const historyState = (): Record<string, unknown> | null => window.history.state as Record<string, unknown> | null;
const newEntryState = () => ({ [ENTRY_KEY]: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}` });

/** The key of the history entry now shown (the first visit's entry gets one here). */
export function currentEntryKey(): string {
  const key = historyState()?.[ENTRY_KEY];
  if (typeof key === 'string') {
    return key;
  }
  const state = { ...historyState(), ...newEntryState() };
  window.history.replaceState(state, '');
  return state[ENTRY_KEY];
}

/**
 * A number kept in the history entry now shown (how many pages of results were loaded), so Back
 * and Forward (and a reload) find each entry as it was left. `fallback` for an entry without one.
 */
export function useEntryNumber(name: string, fallback: number): [number, (value: number) => void] {
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  // Read on every render: a navigation re-renders the page, which then reads its new entry.
  const stored = historyState()?.[name];
  const set = useCallback(
    (value: number) => {
      window.history.replaceState({ ...historyState(), [name]: value }, '');
      rerender();
    },
    [name],
  );
  return [typeof stored === 'number' ? stored : fallback, set];
}

/** Goes to a path of the app without reloading the page. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) {
    return;
  }
  // Leaving from a preview replaces the preview's own entry (useBackCloses): Back then returns
  // to the page the preview was opened on, not to that page with the preview gone.
  if (options.replace || onOverlayEntry()) {
    window.history.replaceState(newEntryState(), '', to);
  } else {
    window.history.pushState(newEntryState(), '', to);
  }
  notify();
}

/** The current path and query, re-rendering on every navigation. */
export function useLocation(): { pathname: string; search: string } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const index = href.indexOf('?');
  return index < 0 ? { pathname: href, search: '' } : { pathname: href.slice(0, index), search: href.slice(index) };
}

// The history state of an entry pushed for an open preview.
const OVERLAY_ENTRY = 'fileflowOverlay';
const onOverlayEntry = (): boolean => historyState()?.[OVERLAY_ENTRY] === true;

/**
 * Gives an overlay (a file preview) its own history entry while it is open, at the same address,
 * so that Back, a phone's back gesture included, closes it instead of leaving the page behind it.
 * Closing it any other way takes the entry off again, so Back never lands on a step that does
 * nothing.
 */
export function useBackCloses(open: boolean, close: () => void): void {
  const closeRef = useRef(close);
  closeRef.current = close;
  const openRef = useRef(open);
  openRef.current = open;
  useEffect(() => {
    if (!open) {
      return;
    }
    if (!onOverlayEntry()) {
      // The page's own key comes along: it is the same page, and remembers the same things.
      window.history.pushState({ ...historyState(), [OVERLAY_ENTRY]: true }, '', window.location.href);
    }
    const onPopState = () => {
      if (!onOverlayEntry()) {
        closeRef.current();
      }
    };
    window.addEventListener('popstate', onPopState);
    return () => {
      window.removeEventListener('popstate', onPopState);
      // After the render that closed it (a re-run of this effect for the same open overlay, as
      // in development's double effects, keeps the entry).
      setTimeout(() => {
        if (!openRef.current && onOverlayEntry()) {
          window.history.back();
        }
      }, 0);
    };
  }, [open]);
}
