import type { Logger } from 'pino';
import type { JobsRepository } from '../repositories/jobs.repository.js';

/** A periodic task; returns a one-line summary for the log and the job_runs table. */
export interface Job {
  name: string;
  run(): Promise<string>;
  /** Runs this often instead, if shorter than the scheduler's interval. */
  everyMs?: number;
  /** Whether a run's summary says it found nothing to do: such runs are logged at debug, not info (a frequent job would fill the log). */
  idle?(summary: string): boolean;
}

/**
 * Runs each job once per interval across all server processes (at most once per interval less a
 * tenth of a tick, see runDue): every process looks every minute (or every interval, if shorter)
 * and runs a job only when it wins the job's lease in the database.
 */
export class JobScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly jobs: Job[],
    private readonly leases: JobsRepository,
    private readonly intervalMs: number,
    private readonly log: Pick<Logger, 'debug' | 'info' | 'error'>,
  ) {}

  /** How often a job runs: the scheduler's interval, or the job's own if shorter. */
  private intervalOf(job: Job): number {
    return Math.min(job.everyMs ?? this.intervalMs, this.intervalMs);
  }

  /** How often this process looks for due jobs: every minute, or every job's interval if shorter. */
  private tickMs(): number {
    return Math.min(60_000, ...this.jobs.map((job) => this.intervalOf(job)));
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.tickMs());
    this.timer.unref();
    void this.tick();
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = this.runDue().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  /** Runs every job whose lease this process wins now. */
  async runDue(): Promise<void> {
    // A claim sets the next run one interval after the claim, which comes after the earlier jobs
    // of the tick: were the next tick's earlier jobs quicker, a job whose interval equals the
    // tick would not yet be due then and would wait a whole tick more. A tenth of a tick early
    // (five seconds at most) is due on time.
    const slackMs = Math.min(5_000, this.tickMs() / 10);
    for (const job of this.jobs) {
      try {
        // The lease outlives any sane run; a crashed holder's lease lapses after it.
        if (!(await this.leases.claim(job.name, this.intervalOf(job) - slackMs, Math.max(this.intervalMs, 3600_000)))) {
          continue;
        }
        const started = Date.now();
        const summary = await job.run();
        await this.leases.finish(job.name, summary);
        const level = job.idle?.(summary) ? 'debug' : 'info';
        this.log[level]({ job: job.name, ms: Date.now() - started, summary }, 'job finished');
      } catch (error) {
        this.log.error({ err: error, job: job.name }, 'job failed');
        await this.leases.finish(job.name, `failed: ${error instanceof Error ? error.message : String(error)}`).catch(() => undefined);
      }
    }
  }
}
