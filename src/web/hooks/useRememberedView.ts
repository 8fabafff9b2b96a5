import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';
import { currentEntryKey } from './navigation';

/** Where a list was scrolled to, and the item that had the keyboard focus. */
export interface ListView {
  top: number;
  focusId: string | null;
}

// Per history entry (and view of it), the most recent last; a few hundred bytes each.
const views = new Map<string, ListView>();
const KEPT_VIEWS = 200;

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
 * Back and Forward bring a list back to where it was: its scroll offset and focused item are
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
