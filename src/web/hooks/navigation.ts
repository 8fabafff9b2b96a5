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
  // Leaving from a preview replaces the preview's own entry (useOverlayHistory): Back then returns
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

// The history state of an entry pushed for an open overlay: which hook showed it, and what.
const OVERLAY_ENTRY = 'fileflowOverlay';
const onOverlayEntry = (): boolean => historyState()?.[OVERLAY_ENTRY] !== undefined;

/** An overlay kept in a history entry, over the overlay it was opened from (`under`), if any. */
interface OverlayEntry {
  owner: string;
  shown: unknown;
  under?: OverlayEntry;
}

function parseOverlay(overlay: unknown): OverlayEntry | undefined {
  if (typeof overlay === 'object' && overlay !== null && 'owner' in overlay && typeof overlay.owner === 'string') {
    return {
      owner: overlay.owner,
      shown: 'shown' in overlay ? overlay.shown : undefined,
      under: 'under' in overlay ? parseOverlay(overlay.under) : undefined,
    };
  }
  return undefined;
}

/** The overlay on top in the entry now shown. */
const overlayOfEntry = (): OverlayEntry | undefined => parseOverlay(historyState()?.[OVERLAY_ENTRY]);

/**
 * This owner's overlay in the entry now shown (on top, or under one opened from it), with how many
 * entries back its own is (1: the entry now shown).
 */
function findOverlay(owner: string): { overlay: OverlayEntry; steps: number } | undefined {
  let steps = 1;
  for (let overlay = overlayOfEntry(); overlay; overlay = overlay.under, steps += 1) {
    if (overlay.owner === owner) {
      return { overlay, steps };
    }
  }
  return undefined;
}

/** The overlays with this owner's showing `shown` instead. */
function withShown(overlay: OverlayEntry, owner: string, shown: unknown): OverlayEntry {
  if (overlay.owner === owner) {
    return { ...overlay, shown };
  }
  return { ...overlay, under: overlay.under ? withShown(overlay.under, owner, shown) : undefined };
}

/**
 * Gives an overlay (a file preview, a dialog) its own history entry while it is open, at the same
 * address, so that Back, a phone's back gesture included, closes it instead of leaving the page
 * behind it. The entry keeps what the overlay shows (`shown`, a structured-cloneable value), so no
 * step is ever dead: Forward onto it after Back (or after the overlay was closed another way, which
 * steps back off the entry) shows it again, and so does a reload on it. `owner` names the hook on
 * the page whose entries these are. An overlay opened from another (a question in a dialog) gets
 * an entry of its own over the other's: Back closes only the question. `revive`, when given,
 * checks what an entry kept before it is shown again (the file may have been trashed meanwhile):
 * null leaves the overlay closed and steps back off its entry.
 */
export function useOverlayHistory<T>(
  owner: string,
  shown: T | null,
  setShown: (value: T | null) => void,
  revive?: (kept: T) => Promise<T | null>,
): void {
  const setRef = useRef(setShown);
  setRef.current = setShown;
  const reviveRef = useRef(revive);
  reviveRef.current = revive;
  const open = shown !== null;
  const openRef = useRef(open);
  openRef.current = open;
  // Set when Back (or Forward) closes the overlay: its entry is behind already, nothing to step off.
  const closedByHistory = useRef(false);

  useEffect(() => {
    const followEntry = () => {
      const overlay = findOverlay(owner)?.overlay;
      if (overlay && overlay.shown !== undefined && overlay.shown !== null && !openRef.current) {
        // Only this hook writes its owner's entries, with values of its own type.
        const kept = overlay.shown as T;
        const check = reviveRef.current;
        if (!check) {
          setRef.current(kept);
          return;
        }
        const entry = currentEntryKey();
        void check(kept).then((value) => {
          // Unless the user has gone elsewhere meanwhile.
          const found = findOverlay(owner);
          if (currentEntryKey() !== entry || !found || openRef.current) {
            return;
          }
          if (value === null) {
            // Off the entries of overlays opened from it too (each would be checked again).
            window.history.go(-found.steps);
          } else {
            setRef.current(value);
          }
        });
      } else if (!overlay && openRef.current) {
        closedByHistory.current = true;
        setRef.current(null);
      }
    };
    // On mount too: the page was reloaded (or came back) on an overlay's entry.
    followEntry();
    window.addEventListener('popstate', followEntry);
    return () => window.removeEventListener('popstate', followEntry);
  }, [owner]);

  useEffect(() => {
    if (shown === null) {
      return;
    }
    const write = (kept: T | null) => {
      // The page's own key comes along: it is the same page, and remembers the same things.
      const current = overlayOfEntry();
      if (current && findOverlay(owner)) {
        // Its own entry, or one of an overlay opened from it: changed in place.
        window.history.replaceState({ ...historyState(), [OVERLAY_ENTRY]: withShown(current, owner, kept) }, '');
      } else {
        // Over the page, or over the overlay it was opened from.
        const overlay: OverlayEntry = { owner, shown: kept, under: current };
        window.history.pushState({ ...historyState(), [OVERLAY_ENTRY]: overlay }, '', window.location.href);
      }
    };
    try {
      write(shown);
    } catch {
      // More than the browser keeps in an entry (a preview of a huge folder): Back still closes
      // the overlay, but Forward and a reload cannot show it again.
      write(null);
    }
  }, [owner, shown]);

  useEffect(() => {
    if (!open) {
      return;
    }
    return () => {
      if (closedByHistory.current) {
        // Not looked at later: a Forward made meanwhile (before the close's effects ran) would be
        // onto this overlay's entry again, and stepping back would swallow it.
        closedByHistory.current = false;
        return;
      }
      // Closed some other way than Back (Escape, a finished rename): step back off the entry, so
      // Back then leaves the page (or closes the overlay this one was opened from). After the
      // render that closed it (a re-run of this effect for the same open overlay, as in
      // development's double effects, keeps the entry).
      setTimeout(() => {
        if (!openRef.current && overlayOfEntry()?.owner === owner) {
          window.history.back();
        }
      }, 0);
    };
  }, [open]);
}
