import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { deleteOwnedRow } from './owned-rows.js';
import { searchProfiles, type SearchProfileRow } from '../db/schema/index.js';

export type SearchProfileValues = Pick<SearchProfileRow, 'name' | 'query' | 'fileTypes' | 'sizeMin' | 'sizeMax' | 'dateFrom' | 'dateTo'>;

/** SQL for saved search profiles. */
export class SearchProfilesRepository {
  constructor(private readonly db: Executor) {}

  list(userId: string): Promise<SearchProfileRow[]> {
    return this.db.select().from(searchProfiles).where(eq(searchProfiles.userId, userId)).orderBy(asc(searchProfiles.name));
  }

  async find(userId: string, id: string): Promise<SearchProfileRow | undefined> {
    const [row] = await this.db
      .select()
      .from(searchProfiles)
      .where(and(eq(searchProfiles.id, id), eq(searchProfiles.userId, userId)));
    return row;
  }

  async insert(userId: string, values: SearchProfileValues): Promise<SearchProfileRow> {
    const [row] = await this.db
      .insert(searchProfiles)
      .values({ ...values, userId })
      .returning();
    if (!row) {
      throw new Error('insert into search_profiles returned no row');
    }
    return row;
  }

  async update(userId: string, id: string, values: Partial<SearchProfileValues>): Promise<SearchProfileRow | undefined> {
    const [row] = await this.db
      .update(searchProfiles)
      .set({ ...values, updatedAt: sql`now()` })
      .where(and(eq(searchProfiles.id, id), eq(searchProfiles.userId, userId)))
      .returning();
    return row;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return deleteOwnedRow(this.db, searchProfiles, userId, id);
  }
}
