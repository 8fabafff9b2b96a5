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

  useEffect(() => {
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
  return { data, error, loading, reload };
}
