import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';

/** SQL for job leases: which process runs which periodic job, once per period. */
export class JobsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Claims the job's next run when it is due and nobody holds it: one conditional UPDATE, so of
   * several processes exactly one wins. The lease expires on its own if the winner dies.
   */
  async claim(name: string, intervalMs: number, leaseMs: number): Promise<boolean> {
    await this.bringForward(name, intervalMs);
    const rows = await queryRows<{ name: string }>(
      this.db,
      sql`
      update job_runs
      set locked_until = now() + ${leaseMs} * interval '1 millisecond',
          next_run_at = now() + ${intervalMs} * interval '1 millisecond',
          last_started_at = now()
      where name = ${name} and next_run_at <= now() and locked_until <= now()
      returning name`,
    );
    return rows.length === 1;
  }

  /**
   * Makes sure the job has a row, and that its next run is no later than one interval (the
   * current one) after its last start, or from now: the stored time was set with the interval of
   * whichever process ran the job last, and a server restarted with a shorter
   * FILEFLOW_JOB_INTERVAL would otherwise wait out the old, longer one first. "From now" is the
   * clock's, not the statement's start (now()): this statement may wait on the row lock of a
   * claim that starts the job later than that, and must not then bring the next run before one
   * interval after that start.
   */
  private async bringForward(name: string, intervalMs: number): Promise<void> {
    await this.db.execute(sql`
      insert into job_runs (name, next_run_at, locked_until) values (${name}, now(), now())
      on conflict (name) do update
      set next_run_at = least(
        coalesce(job_runs.last_started_at, clock_timestamp()) + ${intervalMs} * interval '1 millisecond',
        clock_timestamp() + ${intervalMs} * interval '1 millisecond')
      where job_runs.next_run_at > least(
        coalesce(job_runs.last_started_at, clock_timestamp()) + ${intervalMs} * interval '1 millisecond',
        clock_timestamp() + ${intervalMs} * interval '1 millisecond')`);
  }

  /**
   * Ends every lease: for the embedded database, which one process opens at a time, so that a
   * lease in it was held by a process that is gone (killed during a run) and would otherwise
   * keep its job from running until the lease ran out (an hour or more).
   */
  async releaseAll(): Promise<void> {
    await this.db.execute(sql`update job_runs set locked_until = now() where locked_until > now()`);
  }

  async finish(name: string, result: string): Promise<void> {
    await this.db.execute(sql`
      update job_runs set locked_until = now(), last_finished_at = now(), last_result = ${result.slice(0, 500)}
      where name = ${name}`);
  }
}
