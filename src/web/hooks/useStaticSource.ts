import { useMemo } from 'react';
import type { FileNode } from '../api/types';
import type { NodeSource } from './useNodeSource';

/** A NodeSource over a list already in memory (favourites, trash, search results). */
export function useStaticSource(items: readonly FileNode[] | undefined, loading: boolean, error: unknown, reload: () => void): NodeSource {
  return useMemo(() => {
    const list = items ?? [];
    return {
      total: list.length,
      revision: 0,
      itemAt: (index: number) => list[index],
      loading: loading && items === undefined,
      error: items === undefined ? error : undefined,
      ensureRange: () => undefined,
      loadAll: () => Promise.resolve([...list]),
      reload,
    };
  }, [items, loading, error, reload]);
}
