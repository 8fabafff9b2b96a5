import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';

/** SQL for fixed-window counters kept in the database, so every server process sees the same counts. */
export class RateLimitsRepository {
  constructor(private readonly db: Executor) {}

  /** Adds one to the key's counter in the window and returns the new count. */
  async increment(key: string, windowStart: Date): Promise<number> {
    const result = await queryRows<{ count: number }>(this.db, sql`
      insert into rate_limits (key, window_start, count) values (${key}, ${windowStart.toISOString()}, 1)
      on conflict (key, window_start) do update set count = rate_limits.count + 1
      returning count`);
    return Number(result[0]?.count ?? 0);
  }

  /** The key's count in the window, without changing it. */
  async current(key: string, windowStart: Date): Promise<number> {
    const result = await queryRows<{ count: number }>(this.db, sql`
      select count from rate_limits where key = ${key} and window_start = ${windowStart.toISOString()}`);
    return Number(result[0]?.count ?? 0);
  }

  /** Subtracts one from the key's counter in the window, never going below zero. */
  async decrement(key: string, windowStart: Date): Promise<void> {
    await this.db.execute(sql`
      update rate_limits set count = greatest(count - 1, 0)
      where key = ${key} and window_start = ${windowStart.toISOString()}`);
  }

  async reset(key: string, windowStart: Date): Promise<void> {
    await this.db.execute(sql`delete from rate_limits where key = ${key} and window_start = ${windowStart.toISOString()}`);
  }

  /** Drops windows that ended before `before`. */
  async deleteOlderThan(before: Date): Promise<void> {
    await this.db.execute(sql`delete from rate_limits where window_start < ${before.toISOString()}`);
  }
}
