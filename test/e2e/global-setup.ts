import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startServer, type RunningServer } from './server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    quotaBytes: number;
  }
}

/** Small, so the quota test can fill it; large enough for everything else. */
const QUOTA_BYTES = 8 * 1024 * 1024;

let server: RunningServer | undefined;

/** One real server for the whole browser run, started from the build (run.sh builds first). */
export async function setup(project: TestProject): Promise<void> {
  const root = path.resolve(import.meta.dirname, '../..');
  if (!existsSync(path.join(root, 'dist/server/main.js')) || !existsSync(path.join(root, 'dist/web/index.html'))) {
    throw new Error('Build first: npm run build (or bash test/e2e/run.sh, which does).');
  }
  server = await startServer({ FILEFLOW_DEFAULT_QUOTA: String(QUOTA_BYTES) });
  project.provide('baseURL', server.baseURL);
  project.provide('quotaBytes', QUOTA_BYTES);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
