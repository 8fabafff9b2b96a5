import { randomBytes } from 'node:crypto';

// How the primary of several workers hands its instance id to them (cluster.fork's environment).
const INSTANCE_ENV = 'FILEFLOW_INSTANCE_ID';
// Set for a worker forked once another has served: the configuration has been proven to work.
const JOINING_ENV = 'FILEFLOW_JOINING';

/**
 * Random for each start of the server, and shared by all the workers of one start. Validators
 * handed to clients (ETags of tree answers) include it, because a new build may shape the same
 * data into other bytes: an answer from before a restart is never taken for one from after it.
 */
export const INSTANCE_ID = process.env[INSTANCE_ENV] ?? randomBytes(9).toString('base64url');

/**
 * The environment a worker is forked with, so that it shares the primary's instance id, and knows
 * whether it joins workers that already serve (`joining`).
 */
export function workerEnvironment(joining: boolean): Record<string, string> {
  return joining ? { [INSTANCE_ENV]: INSTANCE_ID, [JOINING_ENV]: '1' } : { [INSTANCE_ENV]: INSTANCE_ID };
}

/**
 * Whether this process is a worker joining others that already serve (a replacement, or one of
 * the rest started after the first): the blob store's settings were proven by then, so a store
 * that does not answer at this moment is an outage to serve through (503s, as the others answer),
 * not a configuration to refuse.
 */
export function isJoiningWorker(env: Record<string, string | undefined> = process.env): boolean {
  return env[JOINING_ENV] === '1';
}
