import type { Executor } from '../db/client.js';

/**
 * Reference counting of stored content, as the tree needs it: a copy adds references to the blobs
 * its files use. Implemented by the blobs service; the tree knows nothing else of storage.
 */
export interface BlobReferences {
  /** Adds one reference per listed hash (a hash may repeat), in the caller's transaction. */
  add(sha256s: readonly string[], tx: Executor): Promise<void>;
}
