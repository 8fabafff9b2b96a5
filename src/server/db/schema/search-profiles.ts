import { bigint, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { exactTimestamp } from './exact-timestamp.js';
import { users } from './users.js';

/** Saved searches ("profiles"), per user, with unique names. */
export const searchProfiles = pgTable(
  'search_profiles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    query: text('query').notNull().default(''),
    fileTypes: jsonb('file_types').$type<string[]>().notNull().default([]),
    sizeMin: bigint('size_min', { mode: 'number' }),
    sizeMax: bigint('size_max', { mode: 'number' }),
    // Any year from 1 on, as searches take them (see exactTimestamp).
    dateFrom: exactTimestamp('date_from'),
    dateTo: exactTimestamp('date_to'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('search_profiles_user_name_unique').on(t.userId, t.name)],
);

export type SearchProfileRow = typeof searchProfiles.$inferSelect;
