import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { fileNodes } from './nodes.js';
import { users } from './users.js';

/**
 * Public links. The token is found by its SHA-256, and kept otherwise only sealed under a key that
 * is not in the database (security/sealed-secrets.ts), so a leaked database hands out no working
 * link; a deleted node takes its links with it.
 */
export const shares = pgTable(
  'shares',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    nodeId: uuid('node_id')
      .notNull()
      .references(() => fileNodes.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    /** The token sealed under the server's sealing key, for its owner to copy again; null for links made before it existed. */
    tokenSealed: text('token_sealed'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    maxDownloads: integer('max_downloads'),
    /** Completed downloads; reserved atomically when one starts and given back if it fails. */
    accessCount: integer('access_count').notNull().default(0),
    /**
     * Downloads in pieces (range answers), in billionths of a download, carried over until they
     * add up to one more in access_count (shares.repository.ts: reservePartialDownload).
     */
    partialDownloadUnits: bigint('partial_download_units', { mode: 'number' }).notNull().default(0),
    passwordHash: text('password_hash'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('shares_user_idx').on(t.userId, t.createdAt),
    index('shares_node_idx').on(t.nodeId),
    check('shares_access_count_non_negative', sql`${t.accessCount} >= 0`),
  ],
);

export type ShareRow = typeof shares.$inferSelect;
