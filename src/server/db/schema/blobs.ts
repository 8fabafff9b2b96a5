import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Stored content, once per distinct SHA-256, shared by every node (of any user) with that content.
 * ref_count is the number of file nodes (live or trashed) that use it, kept exact in the same
 * transactions that add or remove those nodes; content is removed from the store only at zero.
 */
export const blobs = pgTable(
  'blobs',
  {
    sha256: text('sha256').primaryKey(),
    size: bigint('size', { mode: 'number' }).notNull(),
    /** Where the store keeps it; derived from the hash, so it is the same on disk and on S3. */
    storageKey: text('storage_key').notNull(),
    refCount: integer('ref_count').notNull().default(0),
    /** Room for further digests that sync protocols ask for (WebDAV clients want SHA-1). */
    sha1: text('sha1'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('blobs_ref_count_non_negative', sql`${t.refCount} >= 0`),
    index('blobs_unreferenced_idx').on(t.sha256).where(sql`${t.refCount} = 0`),
  ],
);

export type BlobRow = typeof blobs.$inferSelect;

/**
 * Content that downloads in progress will still read (a zip reaches each file's content only
 * when it gets to it): collection leaves leased content alone until its lease ends or expires.
 * One row per download, with the hashes it reads; a lease is renewed while its download runs, so
 * the lease of a process that died expires on its own. Few run at once, so the hashes are kept
 * together in one value per lease (one row written when a zip starts, whatever its size) and
 * looked through whole by the collector.
 */
export const contentLeases = pgTable('content_leases', {
  leaseId: uuid('lease_id').primaryKey(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  /** The hashes, comma-separated: one text is written as it is sent, where an array's literal is parsed element by element (18 ms for 10,000). */
  sha256s: text('sha256s').notNull(),
});
