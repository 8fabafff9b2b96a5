import { randomBytes } from 'node:crypto';

// How the primary of several workers hands its instance id to them (cluster.fork's environment).
const INSTANCE_ENV = 'FILEFLOW_INSTANCE_ID';

/**
 * Random for each start of the server, and shared by all the workers of one start. Validators
 * handed to clients (ETags of tree answers) include it, because a new build may shape the same
 * data into other bytes: an answer from before a restart is never taken for one from after it.
 */
export const INSTANCE_ID = process.env[INSTANCE_ENV] ?? randomBytes(9).toString('base64url');

/** The environment a worker is forked with, so that it shares the primary's instance id. */
export function workerEnvironment(): Record<string, string> {
  return { [INSTANCE_ENV]: INSTANCE_ID };
}
