import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  type AnyPgColumn,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** The zero UUID stands in for the root in the name-uniqueness index (NULLs would all be distinct). */
export const ROOT_SENTINEL = '00000000-0000-0000-0000-000000000000';

/**
 * Files and folders of every user in one adjacency list. A trashed subtree keeps its shape: every node
 * in it has trashed_at and trash_root_id (the top of the subtree trashed together) set.
 */
export const fileNodes = pgTable(
  'file_nodes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id').references((): AnyPgColumn => fileNodes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    type: text('type', { enum: ['file', 'folder'] }).notNull(),
    size: bigint('size', { mode: 'number' }).notNull().default(0),
    mimeType: text('mime_type'),
    sha256: text('sha256'),
    favorite: boolean('favorite').notNull().default(false),
    /** Changes whenever the node or anything beneath it changes. */
    etag: text('etag').notNull(),
    modifiedAt: timestamp('modified_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    trashedAt: timestamp('trashed_at', { withTimezone: true }),
    trashRootId: uuid('trash_root_id'),
    originalParentId: uuid('original_parent_id'),
    /** Set on the top of a trashed subtree once its deletion for good has begun (it cannot be restored then). */
    purgeStartedAt: timestamp('purge_started_at', { withTimezone: true }),
    /**
     * The name as listings order it, natural and case-insensitive ("sub-2" before "sub-10"; the
     * function is in migration 0010). Stored, not computed in the index alone: a sort by size or
     * type breaks ties by name, and computing the key for each of 100,000 rows cost 1.6 s.
     */
    nameSortKey: text('name_sort_key').generatedAlwaysAs(sql`natural_sort_key(name)`),
  },
  (t) => [
    check('file_nodes_type_check', sql`${t.type} in ('file', 'folder')`),
    check('file_nodes_not_own_parent', sql`${t.parentId} is distinct from ${t.id}`),
    // Names are unique per folder per user among live nodes; the root is the zero UUID here.
    uniqueIndex('file_nodes_live_name_unique')
      .on(t.userId, sql`coalesce(${t.parentId}, '00000000-0000-0000-0000-000000000000'::uuid)`, t.name)
      .where(sql`${t.trashedAt} is null`),
    // Listing a folder: folders first, then by name in natural order ("sub-2" before "sub-10"),
    // straight from the index (also serves paging).
    index('file_nodes_listing_idx')
      .on(t.userId, t.parentId, sql`(${t.type} = 'folder') desc`, t.nameSortKey, t.name)
      .where(sql`${t.trashedAt} is null`),
    index('file_nodes_parent_idx').on(t.parentId),
    index('file_nodes_favorites_idx').on(t.userId).where(sql`${t.favorite} and ${t.trashedAt} is null`),
    index('file_nodes_trash_idx').on(t.userId, t.trashedAt).where(sql`${t.trashRootId} = ${t.id}`),
    index('file_nodes_sha256_idx').on(t.sha256),
    index('file_nodes_trash_root_idx').on(t.trashRootId).where(sql`${t.trashRootId} is not null`),
    // Substring search on names (ILIKE '%q%') within one user's live nodes: btree_gin puts the
    // user id in the same GIN index, so a search never reads other users' matches. New entries
    // wait in the index's pending list, which every search reads whole, until it outgrows its
    // limit: 4 MB by default, which made a search after a few thousand writes several times
    // slower (nothing else empties it on the embedded database, which has no autovacuum). At the
    // smallest limit, 64 kB, searches stay at their speed and writes pay little
    // (docs/DECISIONS.md).
    index('file_nodes_user_name_trgm_idx')
      .using('gin', t.userId, sql`${t.name} gin_trgm_ops`)
      .with({ gin_pending_list_limit: 64 })
      .where(sql`${t.trashedAt} is null`),
    // Search without a query: a user's live nodes, newest first.
    index('file_nodes_user_created_idx').on(t.userId, t.createdAt.desc()).where(sql`${t.trashedAt} is null`),
  ],
);

export type FileNodeRow = typeof fileNodes.$inferSelect;
