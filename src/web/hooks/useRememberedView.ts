import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';
import { currentEntryKey } from './navigation';

/** Where a list was scrolled to, and the item that had the keyboard focus. */
export interface ListView {
  top: number;
  focusId: string | null;
}

// Per history entry (and view of it), the most recent last; a few hundred bytes each.
const KEPT_VIEWS = 200;
// The tab's session storage carries them over a reload (the entries' keys survive it, in the
// history state): the page comes back where it was, as it does on Back.
const STORED_VIEWS = 'fileflowViews';
const views = new Map<string, ListView>(storedViews());

function storedViews(): [string, ListView][] {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(STORED_VIEWS) ?? '[]');
    return Array.isArray(stored) ? stored.filter(isStoredView).slice(-KEPT_VIEWS) : [];
  } catch {
    // Storage turned off, or something else under that name: nothing to come back to.
    return [];
  }
}

function isStoredView(entry: unknown): entry is [string, ListView] {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
    return false;
  }
  const view: unknown = entry[1];
  return (
    typeof view === 'object' &&
    view !== null &&
    'top' in view &&
    typeof view.top === 'number' &&
    'focusId' in view &&
    (view.focusId === null || typeof view.focusId === 'string')
  );
}

// Written once as the page goes (a reload, a closed tab), not on every scroll event.
window.addEventListener('pagehide', () => {
  try {
    sessionStorage.setItem(STORED_VIEWS, JSON.stringify([...views]));
  } catch {
    // Storage full or turned off: a reload starts at the top, as before.
  }
});

function remember(key: string, view: ListView): void {
  views.delete(key);
  views.set(key, view);
  if (views.size > KEPT_VIEWS) {
    const oldest = views.keys().next().value;
    if (oldest !== undefined) {
      views.delete(oldest);
    }
  }
}

/**
 * Back and Forward (and a reload) bring a list back to where it was: its scroll offset and focused item are
 * remembered for the history entry it is shown in (and `viewKey`, what it lists there), and
 * handed to `restore` once the list is `ready` again. Until then nothing is recorded, so the
 * list's empty first render cannot overwrite what it is about to get back. An entry with nothing
 * remembered shows the list from the top.
 */
export function useRememberedView(options: {
  scrollRef: RefObject<HTMLElement | null>;
  viewKey: string;
  ready: boolean;
  focusId: string | null;
  restore: (view: ListView) => void;
}): void {
  const { scrollRef, ready, focusId } = options;
  const key = `${currentEntryKey()}|${options.viewKey}`;
  const state = useRef<{ key: string; pending: ListView | undefined; focusId: string | null }>({ key: '', pending: undefined, focusId });
  state.current.focusId = focusId;
  if (state.current.key !== key) {
    state.current = { key, pending: views.get(key), focusId };
  }
  const restoreRef = useRef(options.restore);
  restoreRef.current = options.restore;

  // Another entry with nothing remembered (a new search, typed while a long list was scrolled
  // down) starts at the top: the same list element stays mounted and would keep its offset.
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!state.current.pending && element) {
      element.scrollTop = 0;
    }
  }, [key, scrollRef]);

  useEffect(() => {
    const pending = state.current.pending;
    if (ready && pending) {
      state.current.pending = undefined;
      restoreRef.current(pending);
    }
  }, [ready, key]);

  useEffect(() => {
    const element = scrollRef.current;
    if (!element) {
      return;
    }
    const record = () => {
      if (!state.current.pending) {
        remember(state.current.key, { top: element.scrollTop, focusId: state.current.focusId });
      }
    };
    element.addEventListener('scroll', record, { passive: true });
    return () => element.removeEventListener('scroll', record);
  }, [scrollRef]);

  useEffect(() => {
    const { pending, key: at } = state.current;
    if (!pending && focusId !== null) {
      remember(at, { top: scrollRef.current?.scrollTop ?? 0, focusId });
    }
  }, [focusId, scrollRef]);
}
