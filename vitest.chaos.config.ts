import { defineConfig } from 'vitest/config';

// `npm run test:chaos`: the crash tests (a CLI killed at random moments), too slow for `npm test`.
export default defineConfig({
  test: {
    include: ['tests/chaos/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
