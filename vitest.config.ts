import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/helpers/pglite-template.ts'],
    // Each test file boots its own server(s) and database; two cores run two files at once.
    pool: 'forks',
    // Files share a worker's module graph instead of importing the server's anew each: every test
    // builds its own app, database and data directory, so nothing a file needs is module state.
    // Measured: the PGlite suite took 188 s instead of 257 s (docs/DECISIONS.md).
    isolate: false,
  },
});
