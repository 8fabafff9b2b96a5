import { followTreeVersions } from '../db/tree-version-feed.js';
import type { Database } from '../db/client.js';
import type { NodesRepository } from '../repositories/nodes.repository.js';
import { LruMap } from './lru-map.js';

// Users whose versions are remembered at once; one forgotten is read again when next needed.
const REMEMBERED_USERS = 100_000;

/**
 * Each user's tree version now (db/schema/tree-versions.ts). On a PostgreSQL server it is read
 * from the database for each request (other processes write), with the request's credential
 * where it can be (plugins/auth.ts). On the embedded database it is read once
 * per user and then kept current from the versions the database announces at each commit
 * (db/tree-version-feed.ts): a listing that has not changed costs no query at all.
 */
export class TreeVersions {
  private readonly known = new LruMap<string, number>(REMEMBERED_USERS);
  private followed = false;

  constructor(
    private readonly db: Database,
    private readonly nodes: NodesRepository,
  ) {}

  /** Starts following the database's announcements, where it makes them. */
  async start(): Promise<void> {
    this.followed = await followTreeVersions(this.db, (userId, version) => this.note(userId, version));
  }

  /**
   * `readAlready` is the version as the request read it with its credential, when it did (a
   * PostgreSQL server): it is as fresh as a read of its own would be at the start of the request.
   */
  async current(userId: string, readAlready?: Promise<number | undefined>): Promise<number> {
    if (this.followed) {
      const known = this.known.get(userId);
      if (known !== undefined) {
        return known;
      }
    } else if (readAlready) {
      const read = await readAlready;
      if (read !== undefined) {
        return read;
      }
    }
    const version = await this.nodes.treeVersion(userId);
    if (this.followed) {
      // An announcement may have overtaken the read; versions only grow.
      this.note(userId, version);
      return this.known.get(userId) ?? version;
    }
    return version;
  }

  /** Whether the user's tree is at `knownVersion` now (false when no version is known); `readAlready` as for current. */
  async isAt(userId: string, knownVersion: number | undefined, readAlready?: Promise<number | undefined>): Promise<boolean> {
    return knownVersion !== undefined && (await this.current(userId, readAlready)) === knownVersion;
  }

  private note(userId: string, version: number): void {
    const known = this.known.get(userId);
    if (known === undefined || version > known) {
      this.known.set(userId, version);
    }
  }
}
