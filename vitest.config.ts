import { defineConfig } from 'vitest/config';

/**
 * One `npm test` runs everything in Node: the logic tests and the browser tests, which start their own Vite dev
 * server and drive Debian Chromium through playwright-core (tests/browser/).
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'tests/output/**'],
  },
});
