import { useCallback, useState } from 'react';
import type { SortKey, SortOrder } from '../api/types';

export interface ViewPrefs {
  view: 'list' | 'grid';
  sort: SortKey;
  order: SortOrder;
}

const KEY = 'fileflow.view';
const DEFAULTS: ViewPrefs = { view: 'list', sort: 'name', order: 'asc' };

function load(): ViewPrefs {
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(KEY) ?? 'null');
    if (typeof parsed === 'object' && parsed !== null) {
      const value = parsed as Partial<ViewPrefs>;
      return {
        view: value.view === 'grid' ? 'grid' : 'list',
        sort: value.sort === 'size' || value.sort === 'createdAt' || value.sort === 'type' ? value.sort : 'name',
        order: value.order === 'desc' ? 'desc' : 'asc',
      };
    }
  } catch {
    // Unreadable: defaults.
  }
  return DEFAULTS;
}

/** List or grid and the sort order, remembered in this browser. */
export function useViewPrefs(): [ViewPrefs, (change: Partial<ViewPrefs>) => void] {
  const [prefs, setPrefs] = useState(load);
  const update = useCallback((change: Partial<ViewPrefs>) => {
    setPrefs((current) => {
      const next = { ...current, ...change };
      try {
        window.localStorage.setItem(KEY, JSON.stringify(next));
      } catch {
        // Private mode: not remembered.
      }
      return next;
    });
  }, []);
  return [prefs, update];
}
