import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { fetchSession, logout as apiLogout } from '../api/auth';
import { forgetKeptListings } from '../lib/kept-listings';
import { forgetAllLinks } from '../lib/remembered-links';
import { onUnauthenticated } from '../api/http';
import { onReachable } from '../api/reachability';
import type { User } from '../api/types';

export interface Session {
  status: 'loading' | 'anonymous' | 'signed-in';
  user: User | null;
  /** Re-reads who is signed in (after sign-in, or to update the storage meter). */
  refresh: () => Promise<void>;
  /** Asks who is signed in the first time a page needs to know (public link pages never do). */
  ensureChecked: () => void;
  /** Sets the user from a sign-in or registration answer. */
  signedIn: (user: User) => void;
  signOut: () => Promise<void>;
  /** True when the server ended this browser's session while it was in use (signed out elsewhere, expired). */
  endedElsewhere: boolean;
}

const SessionContext = createContext<Session | null>(null);

/** Holds who is signed in, asking the server once when first needed and dropping the user on any 401. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [status, setStatus] = useState<Session['status']>('loading');
  const [endedElsewhere, setEndedElsewhere] = useState(false);

  // Whether the server has told us who is signed in yet, and whether a check waits for it to answer.
  const answered = useRef(false);
  const waitingForServer = useRef(false);
  const refresh = useCallback(async function readSession(): Promise<void> {
    try {
      const found = await fetchSession();
      answered.current = true;
      setUser(found);
      setStatus(found ? 'signed-in' : 'anonymous');
    } catch {
      // Server unreachable at start: show the sign-in page rather than spinning forever, and ask
      // again once the server answers, so that a browser still signed in goes on to its files.
      setStatus((current) => (current === 'loading' ? 'anonymous' : current));
      if (!answered.current && !waitingForServer.current) {
        waitingForServer.current = true;
        const stop = onReachable(() => {
          stop();
          waitingForServer.current = false;
          void readSession();
        });
      }
    }
  }, []);

  const checked = useRef(false);
  const ensureChecked = useCallback(() => {
    if (!checked.current) {
      checked.current = true;
      void refresh();
    }
  }, [refresh]);

  useEffect(
    () =>
      onUnauthenticated(() => {
        forgetKeptListings();
        setUser(null);
        setStatus((current) => {
          if (current === 'signed-in') {
            setEndedElsewhere(true);
          }
          return 'anonymous';
        });
      }),
    [],
  );

  const signedIn = useCallback((next: User) => {
    setUser(next);
    setStatus('signed-in');
    setEndedElsewhere(false);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await apiLogout();
    } finally {
      // A shared computer: the next person to use this browser must not find the links, nor the
      // folders listed.
      forgetAllLinks();
      forgetKeptListings();
      setUser(null);
      setStatus('anonymous');
    }
  }, []);

  const value = useMemo(
    () => ({ status, user, refresh, ensureChecked, signedIn, signOut, endedElsewhere }),
    [status, user, refresh, ensureChecked, signedIn, signOut, endedElsewhere],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session; only inside SessionProvider. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) {
    throw new Error('useSession outside SessionProvider');
  }
  return session;
}
