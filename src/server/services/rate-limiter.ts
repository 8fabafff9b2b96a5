import { rateLimited } from '../errors.js';
import type { RateLimitsRepository } from '../repositories/rate-limits.repository.js';

/** A limit: at most `max` counted events per `windowMs` for one key. */
export interface Limit {
  name: string;
  max: number;
  windowMs: number;
}

/**
 * Fixed-window rate limits counted in the database, so that every server process enforces the
 * same budget. Throws the contract's 429 with the seconds until the window ends.
 */
export class RateLimiter {
  constructor(
    private readonly repository: RateLimitsRepository,
    private readonly now: () => number = Date.now,
  ) {}

  private window(limit: Limit): { start: Date; retryAfterSeconds: number } {
    const now = this.now();
    const start = Math.floor(now / limit.windowMs) * limit.windowMs;
    return { start: new Date(start), retryAfterSeconds: Math.max(1, Math.ceil((start + limit.windowMs - now) / 1000)) };
  }

  /** Refuses when the key has already used up its budget, without counting this request. */
  async assertBelow(limit: Limit, key: string): Promise<void> {
    const { start, retryAfterSeconds } = this.window(limit);
    if ((await this.repository.current(`${limit.name}:${key}`, start)) >= limit.max) {
      throw rateLimited(retryAfterSeconds);
    }
  }

  /** Counts one event for the key (e.g. a failed login). */
  async record(limit: Limit, key: string): Promise<number> {
    return this.repository.increment(`${limit.name}:${key}`, this.window(limit).start);
  }

  /** Counts this request and refuses it when it goes over the budget. */
  async consume(limit: Limit, key: string): Promise<void> {
    const { retryAfterSeconds } = this.window(limit);
    if ((await this.record(limit, key)) > limit.max) {
      throw rateLimited(retryAfterSeconds);
    }
  }

  /** Takes back one counted event of the key in the current window (an attempt that turned out fine). */
  async release(limit: Limit, key: string): Promise<void> {
    await this.repository.decrement(`${limit.name}:${key}`, this.window(limit).start);
  }

  /** Forgets the key's count in the current window (a successful login clears its failures). */
  async clear(limit: Limit, key: string): Promise<void> {
    await this.repository.reset(`${limit.name}:${key}`, this.window(limit).start);
  }
}
