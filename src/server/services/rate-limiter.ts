import { rateLimited } from '../errors.js';
import type { RateLimitsRepository } from '../repositories/rate-limits.repository.js';

/** A limit: at most `max` counted events in any `windowMs` for one key. */
export interface Limit {
  name: string;
  max: number;
  windowMs: number;
}

/** Events are counted in buckets of this fraction of the window. */
const BUCKETS_PER_WINDOW = 15;

/**
 * Rate limits over a rolling window, counted in the database so that every server process
 * enforces the same budget. Events are counted in buckets of a fifteenth of the window, each with
 * the time of its latest event; an event is allowed while the buckets whose latest event lies in
 * the last `windowMs` hold fewer than `max`. A bucket counts whole until its latest event leaves the
 * window, so no stretch of `windowMs` ever holds more than `max` events (clock-aligned fixed
 * windows allowed twice that around a boundary), and a refusal comes at most a bucket's worth of
 * events early. A refused event is not counted. Throws the contract's 429 with the seconds until
 * enough of the oldest buckets have left the window (never more than the window).
 */
export class RateLimiter {
  constructor(
    private readonly repository: RateLimitsRepository,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts this request and refuses it (uncounted) when the budget is used up. */
  async consume(limit: Limit, key: string): Promise<void> {
    const now = this.now();
    const bucketMs = Math.ceil(limit.windowMs / BUCKETS_PER_WINDOW);
    const bucket = Math.floor(now / bucketMs) * bucketMs;
    const counts = await this.repository.incrementAndRead(this.keyOf(limit, key), new Date(bucket), new Date(now), new Date(now - limit.windowMs));
    const total = counts.reduce((sum, { count }) => sum + count, 0);
    if (total <= limit.max) {
      return;
    }
    await this.repository.decrementNewest(this.keyOf(limit, key));
    // Wait until the oldest buckets holding the excess have left the window.
    let excess = total - limit.max;
    let until = now;
    for (const { lastEventAt, count } of counts) {
      until = lastEventAt.getTime() + limit.windowMs;
      excess -= count;
      if (excess <= 0) {
        break;
      }
    }
    throw rateLimited(Math.min(Math.ceil(limit.windowMs / 1000), Math.max(1, Math.ceil((until - now) / 1000))));
  }

  /** Takes back the key's latest counted event (an attempt that turned out fine). */
  async release(limit: Limit, key: string): Promise<void> {
    await this.repository.decrementNewest(this.keyOf(limit, key));
  }

  /** Forgets every counted event of the key (a successful login clears its failures). */
  async clear(limit: Limit, key: string): Promise<void> {
    await this.repository.deleteKey(this.keyOf(limit, key));
  }

  private keyOf(limit: Limit, key: string): string {
    return `${limit.name}:${key}`;
  }
}
