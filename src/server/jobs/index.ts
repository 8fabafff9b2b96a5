import type { Logger } from 'pino';
import type { Services } from '../services/index.js';
import { JobScheduler, type Job } from './scheduler.js';

/** The periodic jobs, in the order they run each period. */
export function maintenanceJobs(services: Services): Job[] {
  const { maintenance } = services;
  return [
    { name: 'purge-trash', run: () => maintenance.purgeTrash() },
    { name: 'collect-blobs', run: () => maintenance.collectBlobs() },
    { name: 'sweep-staging', run: () => maintenance.sweepStaging() },
    { name: 'expire-sessions', run: () => maintenance.expireSessions() },
  ];
}

/** A scheduler running the maintenance jobs every `intervalMs`, once per period across all processes. */
export function createJobScheduler(services: Services, intervalMs: number, log: Pick<Logger, 'info' | 'error'>): JobScheduler {
  return new JobScheduler(maintenanceJobs(services), services.jobLeases, intervalMs, log);
}
