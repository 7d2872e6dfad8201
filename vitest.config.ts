import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{proto,packages,services}/*/src/**/*.test.ts', 'proto/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Store tests fsync and spawn processes; two cores cannot run many files at once.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
