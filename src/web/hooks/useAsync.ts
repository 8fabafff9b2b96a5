import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort } from '../api/http';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs an async load when its dependencies change (aborting the previous one) and keeps the last
 * data while reloading, so views do not flash empty.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // The dependencies of the last load started. Until the effect starts the next one, the render
  // where they change still shows the old data: it counts as loading, so a view waiting for its
  // data (to scroll back to where it was) does not take the old data for it.
  const all = [...deps, tick];
  const started = useRef<readonly unknown[] | null>(null);
  const stale = started.current === null || !sameValues(started.current, all);

  useEffect(() => {
    started.current = all;
    const controller = new AbortController();
    setLoading(true);
    loadRef.current(controller.signal).then(
      (value) => {
        if (!controller.signal.aborted) {
          setData(value);
          setError(undefined);
          setLoading(false);
        }
      },
      (failure: unknown) => {
        if (!controller.signal.aborted && !isAbort(failure)) {
          setError(failure);
          setLoading(false);
        }
      },
    );
    return () => controller.abort();
    // The caller lists the dependencies of `load`.
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading: loading || stale, reload };
}

const sameValues = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
