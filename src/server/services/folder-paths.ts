import type { FolderLink } from '../repositories/search.repository.js';
import { LruMap } from './lru-map.js';

// Guards the walk up a chain of links against a corrupted (cyclic) tree; no real tree is this deep.
const MAX_DEPTH = 10_000;

/**
 * Paths of users' folders ("/Docs/2024"), remembered per process with the user's paths version
 * they were read at (tree_versions.paths_version). That version moves in the transaction that
 * renames or moves any of the user's folders, and nothing else changes a folder's path, so a path
 * remembered at the version a statement reads is the path in that statement's snapshot: searches
 * build their results' paths from it instead of walking up the tree for every result.
 *
 * Bounded by folders in all (each a few hundred bytes at most), least recently used first out.
 */
export class FolderPaths {
  private readonly paths: LruMap<string, { version: number; path: string | null }>;
  // The newest paths version each user's paths were learned at: the one to ask the database about.
  private readonly versions: LruMap<string, number>;

  constructor(capacity = 100_000) {
    this.paths = new LruMap(capacity);
    this.versions = new LruMap(Math.max(1, Math.floor(capacity / 10)));
  }

  /** The paths version at which this process last learned the user's folder paths (null: none). */
  knownVersion(userId: string): number | null {
    return this.versions.get(userId) ?? null;
  }

  /**
   * The paths of the folders `folderIds` at paths version `version`, from what was remembered at
   * that version and from `links` (read in the same snapshot as `version`, remembered from now
   * on). `missing` lists the folders neither could place; a path is null only for a corrupted
   * (cyclic or too deep) chain. A null `version` (the user is gone) uses `links` alone.
   */
  resolve(
    userId: string,
    version: number | null,
    links: readonly FolderLink[],
    folderIds: Iterable<string>,
  ): { paths: Map<string, string | null>; missing: string[] } {
    const byId = new Map(links.map((link) => [link.id, link]));
    const found = new Map<string, string | null>();
    const remembered = (id: string): string | null | undefined => {
      if (found.has(id)) {
        return found.get(id);
      }
      const kept = version === null ? undefined : this.paths.get(`${userId}/${id}`);
      return kept?.version === version ? kept.path : undefined;
    };
    const place = (id: string): string | null | undefined => {
      // Up the links until a folder whose path is known (or the root), then down again.
      const chain: FolderLink[] = [];
      const seen = new Set<string>();
      let base: string | null | undefined;
      for (let at: string | null = id; ; ) {
        if (at === null) {
          base = '';
          break;
        }
        const known = remembered(at);
        if (known !== undefined) {
          base = known;
          break;
        }
        const link = byId.get(at);
        if (!link) {
          return undefined;
        }
        if (chain.length >= MAX_DEPTH || seen.has(at)) {
          base = null;
          break;
        }
        seen.add(at);
        chain.push(link);
        at = link.parentId;
      }
      let path = base;
      for (const link of chain.reverse()) {
        path = path === null ? null : `${path}/${link.name}`;
        found.set(link.id, path);
        if (version !== null) {
          this.paths.set(`${userId}/${link.id}`, { version, path });
        }
      }
      return path;
    };
    const paths = new Map<string, string | null>();
    const missing: string[] = [];
    for (const id of folderIds) {
      const path = place(id);
      if (path === undefined) {
        missing.push(id);
      } else {
        paths.set(id, path);
      }
    }
    if (version !== null && version > (this.versions.get(userId) ?? -1)) {
      this.versions.set(userId, version);
    }
    return { paths, missing };
  }
}
