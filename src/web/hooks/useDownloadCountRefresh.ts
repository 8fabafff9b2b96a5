import { useEffect, useRef, useState } from 'react';
import type { AsyncState } from './useAsync';
import type { PublicShare } from '../api/types';

/** How often, and how many times, a link's metadata is asked again after a download was started. */
const INTERVAL_MS = 1000;
const TRIES = 15;

/**
 * Refreshes a limited link's metadata after its download was started until the download shows in
 * `downloadsLeft` (or the link answers used up), so the page's count follows without a reload.
 * The page cannot see when the browser's download starts: the server counts it when its
 * response starts, which a slow connection delays, so one look after a fixed delay may come too
 * early. Returns the function to call when a download is started, with the count just read from
 * the server if there is one (the page's may be behind: a preview counts too).
 */
export function useDownloadCountRefresh(share: AsyncState<PublicShare>): (countNow?: number | null) => void {
  // The count the page showed when the download was started; null when not waiting.
  const [countBefore, setCountBefore] = useState<number | null>(null);
  const tries = useRef(0);
  const { data, error, reload } = share;
  useEffect(() => {
    if (countBefore === null) {
      return;
    }
    const left = data?.downloadsLeft;
    if (error || typeof left !== 'number' || left < countBefore || tries.current >= TRIES) {
      setCountBefore(null);
      return;
    }
    const timer = window.setTimeout(() => {
      tries.current += 1;
      reload();
    }, INTERVAL_MS);
    return () => window.clearTimeout(timer);
  }, [countBefore, data, error, reload]);
  return (countNow = data?.downloadsLeft) => {
    tries.current = 0;
    setCountBefore(countNow ?? null);
  };
}
