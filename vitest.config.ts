import { defineConfig } from 'vitest/config';

/**
 * One `npm test` runs everything in Node: the logic tests and the browser tests, which start their own Vite dev
 * server and drive Debian Chromium through playwright-core (tests/browser/).
 */
export default defineConfig({
  test: {
    environment: 'node',
    // Real models run in these tests on a 2-core machine; a slow run is not a failure (speed lives in npm run bench).
    testTimeout: 60_000,
    hookTimeout: 120_000,
    include: ['tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'tests/output/**'],
  },
});
