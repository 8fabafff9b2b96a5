import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort, isUnreachable } from '../api/http';
import { onReachable } from '../api/reachability';
import { useDataVersion } from './data-version';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export interface AsyncOptions {
  /**
   * Loads again whenever data may have changed on the server (useDataVersion), which includes the
   * moment the server answers again after it could not be reached.
   */
  revalidate?: boolean;
}

/**
 * Runs an async load when its dependencies change (aborting the previous one) and keeps the last
 * data while reloading, so views do not flash empty. A load again of the same thing (a reload, a
 * revalidation) that cannot reach the server keeps the data on screen instead of an error (the
 * app says the server is out of reach); any load that could not reach it is made again once the
 * server answers.
 */
export function useAsync<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  { revalidate = false }: AsyncOptions = {},
): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const version = useDataVersion();
  const loadRef = useRef(load);
  loadRef.current = load;
  // The dependencies of the last load started. Until the effect starts the next one, the render
  // where they change still shows the old data: it counts as loading, so a view waiting for its
  // data (to scroll back to where it was) does not take the old data for it.
  const all = [...deps, revalidate ? version : 0, tick];
  const started = useRef<readonly unknown[] | null>(null);
  const stale = started.current === null || !sameValues(started.current, all);
  // The dependencies the data shown was loaded for: the data of other ones (another folder, another
  // search) is never kept as the answer to these.
  const loadedFor = useRef<readonly unknown[] | null>(null);
  // Whether the last load could not reach the server.
  const missed = useRef(false);

  useEffect(() => {
    started.current = all;
    const controller = new AbortController();
    setLoading(true);
    loadRef.current(controller.signal).then(
      (value) => {
        if (!controller.signal.aborted) {
          loadedFor.current = deps;
          missed.current = false;
          setData(value);
          setError(undefined);
          setLoading(false);
        }
      },
      (failure: unknown) => {
        if (!controller.signal.aborted && !isAbort(failure)) {
          missed.current = isUnreachable(failure);
          const kept = missed.current && loadedFor.current !== null && sameValues(loadedFor.current, deps);
          if (!kept) {
            setError(failure);
          }
          setLoading(false);
        }
      },
    );
    return () => controller.abort();
    // The caller lists the dependencies of `load`.
  }, all);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  // A revalidating load is made again with the data version, which moves at that moment too.
  useEffect(() => {
    if (revalidate) {
      return;
    }
    return onReachable(() => {
      if (missed.current) {
        reload();
      }
    });
  }, [revalidate, reload]);
  return { data, error, loading: loading || stale, reload };
}

const sameValues = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
