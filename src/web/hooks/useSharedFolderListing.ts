import { useState } from 'react';
import { ApiError, isUnreachable } from '../api/http';
import { linkFailure, listSharedFolder } from '../api/public-shares';
import type { Breadcrumb, FileNode } from '../api/types';
import { useAsync } from './useAsync';

/** Items per page of a shared folder. */
const PAGE = 200;

export interface SharedFolderListing {
  /** The items of the folder asked for; undefined until they load, or when they cannot be shown. */
  items: FileNode[] | undefined;
  /** How many more there are than `items`. */
  more: number;
  /** The path below the shared folder down to the folder asked for. */
  trail: Breadcrumb[];
  loading: boolean;
  /** Why the folder cannot be shown; undefined while its items are. */
  error: unknown;
  reload: () => void;
  showMore: () => void;
}

/**
 * A folder of a shared link, a page at a time. As in the owner's file browser, the items shown are
 * always the folder's in the address: one that cannot be opened shows why instead of the list of
 * the folder it was opened from, and only a page that could not reach the server (the app says so
 * and loads it again once it answers) leaves the pages loaded before on screen. A link found gone
 * meanwhile is told to `onGone`, and one that asks for its password again to `onLocked`.
 */
export function useSharedFolderListing(
  token: string,
  folderId: string | null,
  { onLocked, onGone }: { onLocked: () => void; onGone: (why: ApiError) => void },
): SharedFolderListing {
  // Pages shown so far, of the folder they were counted for: another folder starts at one.
  const [paged, setPaged] = useState({ folderId, pages: 1 });
  const pages = paged.folderId === folderId ? paged.pages : 1;
  const listing = useAsync(
    async (signal) => {
      try {
        const answers = await Promise.all(
          Array.from({ length: pages }, (_, i) => listSharedFolder(token, folderId, signal, { offset: i * PAGE, limit: PAGE })),
        );
        // The server's breadcrumbs start at the shared folder.
        const trail: Breadcrumb[] = answers[0]?.breadcrumbs?.slice(1) ?? [];
        return { folderId, items: answers.flatMap((answer) => answer.items), total: answers[0]?.total ?? 0, trail };
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          onLocked();
        } else if (error instanceof ApiError && (error.status === 404 || error.status === 410)) {
          const why = await linkFailure(token, signal);
          if (why) {
            onGone(why);
          }
        }
        throw error;
      }
    },
    [token, folderId, pages],
  );
  const loaded = listing.data?.folderId === folderId ? listing.data : undefined;
  // A next page out of reach: the pages loaded stay, under the app's connection notice. An error
  // about another folder is not this one's.
  const kept = loaded !== undefined && isUnreachable(listing.error);
  const error = kept || (listing.loading && loaded === undefined) ? undefined : listing.error;
  const items = error === undefined ? loaded?.items : undefined;
  return {
    items,
    more: items && loaded ? loaded.total - items.length : 0,
    trail: items && loaded ? loaded.trail : [],
    loading: listing.loading,
    error,
    reload: listing.reload,
    showMore: () => setPaged({ folderId, pages: pages + 1 }),
  };
}
