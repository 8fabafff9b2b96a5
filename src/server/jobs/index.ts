import type { Logger } from 'pino';
import type { Services } from '../services/index.js';
import { NOTHING_TO_DO } from '../services/database-upkeep.js';
import { JobScheduler, type Job } from './scheduler.js';

/** The periodic jobs, in the order they run each period. */
export function maintenanceJobs(services: Services): Job[] {
  const { maintenance, databaseUpkeep } = services;
  const jobs: Job[] = [
    { name: 'purge-trash', run: () => maintenance.purgeTrash() },
    // Before the collection: the content of expired uploads' chunks is collected at once anyway.
    { name: 'expire-uploads', run: () => maintenance.expireUploads() },
    { name: 'collect-blobs', run: () => maintenance.collectBlobs() },
    { name: 'sweep-staging', run: () => maintenance.sweepStaging() },
    { name: 'expire-sessions', run: () => maintenance.expireSessions() },
  ];
  if (databaseUpkeep) {
    // Every minute: a table that grew fast (a large upload, a copy) is measured soon after. A
    // run that finds nothing to do is three reads of the catalog.
    jobs.push({ name: 'database-upkeep', everyMs: 60_000, run: () => databaseUpkeep.run(), idle: (summary) => summary === NOTHING_TO_DO });
  }
  return jobs;
}

/** A scheduler running the maintenance jobs every `intervalMs`, once per period across all processes. */
export function createJobScheduler(services: Services, intervalMs: number, log: Pick<Logger, 'debug' | 'info' | 'error'>): JobScheduler {
  return new JobScheduler(maintenanceJobs(services), services.jobLeases, intervalMs, log);
}
