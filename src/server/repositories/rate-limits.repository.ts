import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';

/** SQL for rate-limit counters in buckets (a key's events per bucket start), kept in the database so every server process sees the same counts. */
export class RateLimitsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Adds one event at `at` to the key's bucket and returns the key's buckets whose latest event is
   * after `since`, oldest first, in one statement: the bucket as incremented (concurrent increments
   * queue on its row, so each sees its own), the others as of the statement's snapshot.
   */
  async incrementAndRead(key: string, bucket: Date, at: Date, since: Date): Promise<Array<{ lastEventAt: Date; count: number }>> {
    const rows = await queryRows<{ window_start: Date | string; last_event_at: Date | string; count: number | string }>(
      this.db,
      sql`
      with bumped as (
        insert into rate_limits (key, window_start, count, last_event_at) values (${key}, ${bucket.toISOString()}, 1, ${at.toISOString()})
        on conflict (key, window_start) do update
          set count = rate_limits.count + 1, last_event_at = greatest(rate_limits.last_event_at, excluded.last_event_at)
        returning window_start, last_event_at, count
      )
      select window_start, last_event_at, count from bumped
      union all
      select window_start, last_event_at, count from rate_limits
      where key = ${key} and last_event_at > ${since.toISOString()} and window_start <> ${bucket.toISOString()}
      order by window_start`,
    );
    return rows.map((row) => ({ lastEventAt: new Date(row.last_event_at), count: Number(row.count) }));
  }

  /** Subtracts one from the key's newest bucket that has a count. */
  async decrementNewest(key: string): Promise<void> {
    await this.db.execute(sql`
      update rate_limits set count = count - 1
      where key = ${key} and window_start = (
        select window_start from rate_limits where key = ${key} and count > 0 order by window_start desc limit 1
      )`);
  }

  async deleteKey(key: string): Promise<void> {
    await this.db.execute(sql`delete from rate_limits where key = ${key}`);
  }

  /** Drops buckets that started before `before`. */
  async deleteOlderThan(before: Date): Promise<void> {
    await this.db.execute(sql`delete from rate_limits where window_start < ${before.toISOString()}`);
  }
}
