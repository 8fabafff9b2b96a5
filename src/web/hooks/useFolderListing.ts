import { useCallback, useEffect, useMemo, useReducer } from 'react';
import { isAbort, isUnreachable } from '../api/http';
import { listChildren } from '../api/tree';
import type { Breadcrumb, FileNode, Listing, SortKey, SortOrder } from '../api/types';
import { keepListing, keptListing } from '../lib/kept-listings';
import { useDataVersion } from './data-version';
import type { NodeSource } from './useNodeSource';

const PAGE_SIZE = 500;

interface Store {
  items: (FileNode | undefined)[];
  total: number;
  folder: FileNode | null;
  breadcrumbs: Breadcrumb[];
  error: unknown;
  loading: boolean;
  loadedPages: Set<number>;
  /** Pages whose load could not reach the server: loaded again once it answers. */
  missedPages: Set<number>;
  inflight: Map<number, Promise<void>>;
  controller: AbortController;
  revision: number;
  version: number;
}

export interface FolderListing extends NodeSource {
  folder: FileNode | null;
  breadcrumbs: Breadcrumb[];
}

function newStore(version: number): Store {
  return {
    items: [],
    total: 0,
    folder: null,
    breadcrumbs: [],
    error: undefined,
    loading: true,
    loadedPages: new Set(),
    missedPages: new Set(),
    inflight: new Map(),
    controller: new AbortController(),
    revision: 0,
    version,
  };
}

/** Puts one page into the store, resizing it to the latest total. */
function applyPage(store: Store, page: number, listing: Listing): void {
  store.total = listing.total;
  store.folder = listing.folder;
  store.breadcrumbs = listing.breadcrumbs;
  store.items.length = listing.total;
  listing.items.forEach((item, i) => {
    const index = page * PAGE_SIZE + i;
    if (index < listing.total) {
      store.items[index] = item;
    }
  });
  store.loadedPages.add(page);
  store.missedPages.delete(page);
  store.error = undefined;
  store.loading = false;
  store.revision += 1;
}

/**
 * What a page load that failed leaves on screen. One that could not reach the server keeps what
 * was loaded (the app says the server is out of reach, and the page loads again once it answers);
 * the first page of a folder not loaded yet is then the one kept from an earlier visit, if any.
 */
function applyFailure(store: Store, page: number, error: unknown, keptKey: string): void {
  if (isUnreachable(error)) {
    store.missedPages.add(page);
    const kept = page === 0 && store.loadedPages.size === 0 ? keptListing(keptKey) : undefined;
    if (kept) {
      applyPage(store, 0, kept);
      return;
    }
    if (store.loadedPages.size > 0) {
      return;
    }
  }
  store.error = error;
  store.loading = false;
  store.revision += 1;
}

/** The pages to load again: those shown and those that could not be loaded, else the first. */
function pagesToReload(store: Store): number[] {
  const pages = new Set([...store.loadedPages, ...store.missedPages]);
  return pages.size > 0 ? [...pages] : [0];
}

/**
 * A folder's children, loaded PAGE_SIZE at a time as the view asks for ranges, so a folder of
 * 10,000 items opens at once. Reloads the loaded pages in place when data changes elsewhere.
 */
export function useFolderListing(folderId: string | null, sort: SortKey, order: SortOrder): FolderListing {
  const version = useDataVersion();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  // A new store (and an empty view) only when the folder or the order changes.
  const store = useMemo(() => newStore(version), [folderId, sort, order]);
  const keptKey = `${folderId ?? 'root'} ${sort} ${order}`;

  const fetchPage = useCallback(
    (page: number, force = false): Promise<void> => {
      const existing = store.inflight.get(page);
      if (existing && !force) {
        return existing;
      }
      const signal = store.controller.signal;
      const request: Promise<void> = listChildren(folderId, { sort, order, offset: page * PAGE_SIZE, limit: PAGE_SIZE }, signal)
        .then((listing) => {
          applyPage(store, page, listing);
          if (page === 0) {
            keepListing(keptKey, listing);
          }
        })
        .catch((error: unknown) => {
          if (!isAbort(error) && !signal.aborted) {
            applyFailure(store, page, error, keptKey);
          }
        })
        .finally(() => {
          if (store.inflight.get(page) === request) {
            store.inflight.delete(page);
          }
          if (!signal.aborted) {
            rerender();
          }
        });
      store.inflight.set(page, request);
      return request;
    },
    [store, folderId, sort, order, keptKey],
  );

  useEffect(() => {
    // A controller per mount: StrictMode mounts twice, and the first one's requests are dropped.
    const controller = new AbortController();
    store.controller = controller;
    store.inflight.clear();
    void fetchPage(0);
    return () => controller.abort();
  }, [store, fetchPage]);

  useEffect(() => {
    if (version !== store.version) {
      store.version = version;
      pagesToReload(store).forEach((page) => void fetchPage(page, true));
    }
  }, [version, store, fetchPage]);

  const ensureRange = useCallback(
    (start: number, end: number) => {
      if (store.loading) {
        return;
      }
      const last = Math.min(end, store.total) - 1;
      for (let page = Math.floor(Math.max(0, start) / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page += 1) {
        // A page that could not reach the server is asked again once it answers, not on every scroll.
        if (!store.loadedPages.has(page) && !store.inflight.has(page) && !store.missedPages.has(page)) {
          void fetchPage(page);
        }
      }
    },
    [store, fetchPage],
  );

  const loadAll = useCallback(async () => {
    const pages = Math.ceil(store.total / PAGE_SIZE);
    const waits: Promise<void>[] = [];
    for (let page = 0; page < pages; page += 1) {
      if (!store.loadedPages.has(page)) {
        waits.push(fetchPage(page));
      }
    }
    await Promise.all(waits);
    return store.items.filter((item): item is FileNode => item !== undefined);
  }, [store, fetchPage]);

  const reload = useCallback(() => {
    if (store.loadedPages.size === 0) {
      // Try again after a failed first load: the spinner while it goes.
      store.error = undefined;
      store.loading = true;
      rerender();
    }
    pagesToReload(store).forEach((page) => void fetchPage(page, true));
  }, [store, fetchPage]);

  return {
    total: store.total,
    revision: store.revision,
    itemAt: (index: number) => store.items[index],
    loading: store.loading,
    error: store.error,
    folder: store.folder,
    breadcrumbs: store.breadcrumbs,
    ensureRange,
    loadAll,
    reload,
  };
}
