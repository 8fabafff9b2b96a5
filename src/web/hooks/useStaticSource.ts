import { useMemo } from 'react';
import type { FileNode } from '../api/types';
import type { NodeSource } from './useNodeSource';

/**
 * A NodeSource over a list already in memory (favourites, trash, search results). A failed load
 * shows its error instead of the list it was to replace: a search refused for its filters must
 * not leave the last search's results on screen as if they were its answer.
 */
export function useStaticSource(items: readonly FileNode[] | undefined, loading: boolean, error: unknown, reload: () => void): NodeSource {
  return useMemo(() => {
    const failed = error !== undefined;
    const list = failed ? [] : (items ?? []);
    return {
      total: list.length,
      revision: 0,
      itemAt: (index: number) => list[index],
      loading: loading && items === undefined && !failed,
      refreshing: loading && items !== undefined,
      error: failed ? error : undefined,
      ensureRange: () => undefined,
      loadAll: () => Promise.resolve([...list]),
      reload,
    };
  }, [items, loading, error, reload]);
}
