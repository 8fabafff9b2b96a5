import { LruMap } from './lru-map.js';
import type { TreeVersions } from './tree-versions.js';

/**
 * Values read from users' trees (a file's node for its downloads), kept per process and used
 * again for as long as the user's tree version they were read at is current: the same rule as
 * the folder pages of http/tree-answers.ts, for callers that want the value rather than bytes.
 */
export class TreeMemo<V> {
  private readonly entries: LruMap<string, { treeVersion: number; value: V }>;

  constructor(
    capacity: number,
    private readonly versions: TreeVersions,
  ) {
    this.entries = new LruMap(capacity);
  }

  /**
   * The value kept for the user's `key` if the tree has not moved since it was read, else what
   * `readFresh` reads (the value and the version it was read at, in one snapshot), kept when found.
   * `versionReadAlready`: see TreeVersions.current.
   */
  async read(
    userId: string,
    key: string,
    readFresh: () => Promise<{ value: V | undefined; treeVersion: number }>,
    versionReadAlready?: Promise<number | undefined>,
  ): Promise<V | undefined> {
    const id = `${userId}/${key}`;
    const kept = this.entries.get(id);
    if (kept && (await this.versions.current(userId, versionReadAlready)) === kept.treeVersion) {
      return kept.value;
    }
    const fresh = await readFresh();
    if (fresh.value !== undefined) {
      this.entries.set(id, { treeVersion: fresh.treeVersion, value: fresh.value });
    }
    return fresh.value;
  }
}
