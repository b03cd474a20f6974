import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Three at once on two cores: most of a test's time is spent waiting on the real
    // daemons and jobs it starts, not computing (measured: 160 s with three, 190 s
    // with two, for the same 867 tests).
    maxWorkers: 3,
    // End-to-end tests boot real daemons; a failed run should say which, not retry.
    retry: 0,
  },
});
