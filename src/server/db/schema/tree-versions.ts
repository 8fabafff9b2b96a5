import { bigint, pgTable, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * A counter per user that moves whenever anything in the user's file tree changes: a database
 * trigger on file_nodes bumps it at the commit of every transaction that wrote the user's nodes
 * (migrations/0005_tree_versions.sql), so no code path can forget to. Answers computed from the
 * tree (a folder's page) stay valid for as long as the counter has not moved.
 */
export const treeVersions = pgTable('tree_versions', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  version: bigint('version', { mode: 'number' }).notNull(),
  /**
   * The tree version at which a folder of the user was last renamed or moved (the same trigger
   * sets it, migrations/0008_paths_version.sql): folder paths computed at one value of it hold
   * for as long as it has not moved, whatever else changed in the tree meanwhile.
   */
  pathsVersion: bigint('paths_version', { mode: 'number' }).notNull().default(0),
});
