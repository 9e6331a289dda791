import { defineConfig } from 'vitest/config';

const chaos = 'services/*/test/chaos/**/*.chaos.test.ts';

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    // Two cores: the end-to-end files start whole stacks, so at most two files run at once.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'tools/*/src/**/*.test.ts',
            'tools/*/test/**/*.test.ts',
            'services/*/src/**/*.test.ts',
            'services/*/test/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', chaos],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The chaos suite measures latencies against bounds (deadlines, the surge's read p99), so it runs
        // after everything else, one file at a time, with no other test sharing the two cores.
        extends: true,
        test: {
          name: 'chaos',
          include: [chaos],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
