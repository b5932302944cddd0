import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The kill-at-random-moments run takes minutes: `npm run test:chaos` (vitest.chaos.config.ts).
    exclude: ['tests/chaos/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Every test that talks to the local Notion server uses real HTTP on loopback;
    // two workers match the two cores CI has.
    maxWorkers: 2,
  },
});
