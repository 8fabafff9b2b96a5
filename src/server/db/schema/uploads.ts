import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * Resumable uploads (POST /api/uploads): a file sent in chunks, possibly over days of retries,
 * stored once complete as any upload is. `offset` is how many bytes have arrived and are durable;
 * `size` is reserved against the quota while the session is open. The parent is not a foreign
 * key: a folder deleted meanwhile is found missing at completion (404), and the session stays.
 * Sessions go when completed, deleted, expired (expires_at, pushed back by each chunk) or with
 * their account; whatever deletes one first releases its chunks' content references (the cascade
 * below is only for rows with no chunks left).
 */
export const uploadSessions = pgTable(
  'upload_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id'),
    name: text('name').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    offset: bigint('offset', { mode: 'number' }).notNull().default(0),
    conflict: text('conflict', { enum: ['fail', 'rename', 'replace'] }).notNull(),
    /** The content's modification time the client gave, for the file; null: the completion's time. */
    modifiedAt: timestamp('modified_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('upload_sessions_user_idx').on(t.userId, t.createdAt),
    index('upload_sessions_expires_idx').on(t.expiresAt),
    check('upload_sessions_offset_within_size', sql`${t.offset} >= 0 and ${t.offset} <= ${t.size}`),
  ],
);

/**
 * The chunks of a session, each stored as ordinary content (blobs, by SHA-256) holding one
 * reference, so that they survive restarts, are shared by every worker, live in whichever store
 * the server uses and are collected like any content once released.
 */
export const uploadChunks = pgTable(
  'upload_chunks',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => uploadSessions.id, { onDelete: 'cascade' }),
    offset: bigint('offset', { mode: 'number' }).notNull(),
    length: bigint('length', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.offset] }), check('upload_chunks_length_positive', sql`${t.length} > 0`)],
);

export type UploadSessionRow = typeof uploadSessions.$inferSelect;
export type UploadChunkRow = typeof uploadChunks.$inferSelect;
