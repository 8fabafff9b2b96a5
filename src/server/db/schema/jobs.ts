import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per periodic job: a process runs a job only after claiming its row with a conditional
 * UPDATE, so with several server processes each period's run happens once.
 */
export const jobRuns = pgTable('job_runs', {
  name: text('name').primaryKey(),
  nextRunAt: timestamp('next_run_at', { withTimezone: true }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }).notNull(),
  lastStartedAt: timestamp('last_started_at', { withTimezone: true }),
  lastFinishedAt: timestamp('last_finished_at', { withTimezone: true }),
  lastResult: text('last_result'),
});
