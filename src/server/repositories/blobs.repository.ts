import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import type { BlobReferences } from '../services/blob-references.js';

/** SQL for the blobs table: stored content and its reference counts. */
export class BlobsRepository implements BlobReferences {
  constructor(private readonly db: Executor) {}

  /** Adds one reference per listed hash; a hash listed n times gains n. */
  async add(sha256s: readonly string[], tx: Executor = this.db): Promise<void> {
    const counts = new Map<string, number>();
    for (const sha of sha256s) {
      counts.set(sha, (counts.get(sha) ?? 0) + 1);
    }
    // One UPDATE per distinct hash, in a stable order so that concurrent copies cannot deadlock.
    for (const [sha, n] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
      await tx.execute(sql`update blobs set ref_count = ref_count + ${n} where sha256 = ${sha}`);
    }
  }
}
