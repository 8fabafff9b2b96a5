import { bigint, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull().unique(),
  /** Stored lower-cased, so uniqueness is case-insensitive. */
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  /** Exactly the sum of the user's file sizes, trash included; charged by conditional UPDATEs. */
  storageUsed: bigint('storage_used', { mode: 'number' }).notNull().default(0),
  storageQuota: bigint('storage_quota', { mode: 'number' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type UserRow = typeof users.$inferSelect;

/** The account without its password hash: what a signed-in request reads with its credential. */
export const accountColumns = {
  id: users.id,
  username: users.username,
  email: users.email,
  storageUsed: users.storageUsed,
  storageQuota: users.storageQuota,
  createdAt: users.createdAt,
};
export type AccountRow = Omit<UserRow, 'passwordHash'>;
