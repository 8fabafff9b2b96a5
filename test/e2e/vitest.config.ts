import { defineConfig } from 'vitest/config';

/** Browser tests: one built server for the run (global-setup.ts), spec files one after another. */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.spec.ts'],
    // The screenshots for docs/ are made on request (npm run screenshots), not in every run: they
    // assert nothing the other specs do not, and took 46 s of a CI run close to its 30 minutes.
    exclude: process.env.SCREENSHOTS ? [] : ['test/e2e/screenshots.spec.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    // A browser test that flaked once gets one more try; a real failure fails twice.
    retry: process.env.CI ? 1 : 0,
  },
});
