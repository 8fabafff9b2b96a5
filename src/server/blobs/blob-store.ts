import type { Readable } from 'node:stream';

/** An inclusive byte range, as HTTP ranges are. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Content written to a store's staging area, not yet under its content key. */
export interface StagedBlob {
  readonly id: string;
}

/** A content object as a store lists it. */
export interface ListedObject {
  key: string;
  /**
   * When it was written, or null if it is gone meanwhile. Asked only of objects no row knows: on
   * disk it is a stat of its own, which a listing of a million objects need not pay for each.
   */
  modifiedAt(): Promise<Date | null>;
}

/**
 * Where file content lives: local disk or an S3-compatible object store. Content keys come from
 * contentKey() and are the same in every store, so switching stores never touches the metadata.
 */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Writes the stream to a fresh staging location; resolves once the bytes are durable there. A failed write leaves nothing behind. */
  stage(source: Readable): Promise<StagedBlob>;
  /** Moves staged content under its content key, atomically (replacing identical content is harmless). */
  promote(staged: StagedBlob, key: string): Promise<void>;
  /** Forgets staged content that will not be promoted. */
  discard(staged: StagedBlob): Promise<void>;
  /** Whether content is stored under the key. */
  exists(key: string): Promise<boolean>;
  /** Streams the content under the key, or one inclusive byte range of it. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Removes the content under the key (no error when it is already gone). */
  delete(key: string): Promise<void>;
  /** Every content key in the store, and how to learn when it was written (for garbage collection). */
  list(): AsyncIterable<ListedObject>;
  /** Removes staging leftovers of dead processes or older than `olderThanMs`; returns how many. */
  sweepStaging(olderThanMs: number): Promise<number>;
  /** Throws when the store does not answer (health checks). */
  ping(): Promise<void>;
  /** Releases connections, where the store holds any. */
  close?(): void;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The key content with this SHA-256 is stored under: sharded by the hash's first two bytes. */
export function contentKey(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) {
    throw new Error(`not a SHA-256 hex digest: ${sha256}`);
  }
  return `blobs/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/** The SHA-256 a content key stands for, or null for anything that is not a content key. */
export function sha256OfKey(key: string): string | null {
  const match = /^blobs\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(key);
  if (!match?.[3] || !match[3].startsWith(`${match[1]}${match[2]}`)) {
    return null;
  }
  return match[3];
}
