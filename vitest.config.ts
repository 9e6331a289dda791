import { defineConfig } from 'vitest/config';

const chaos = 'services/*/test/chaos/**/*.chaos.test.ts';
// The proofs of the scaled-out system: each starts two or three of every process (or of the broker).
const scaled = 'services/*/test/**/{replicas,broker-cluster}*.e2e.test.ts';
// Faults below the socket: the system in a network lab of the test's own (namespaces, veth, firewall rules).
const netFaults = 'services/*/test/net-faults/**/*.test.ts';

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
          exclude: ['**/node_modules/**', chaos, scaled, netFaults],
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
      {
        // A SIGSTOPped replica must cost no request once its breakers opened, and a budget shared by two
        // gateways must hold within one sync's traffic: with a dozen processes per stack, one file at a
        // time after the rest, so that another file's stack does not turn slowness into failures.
        extends: true,
        test: {
          name: 'scaled',
          include: [scaled],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
      {
        // Partitions, packet loss, pauses, a full disk and skewed clocks, each judged by the history checker:
        // last, one file at a time, as each holds a whole stack in namespaces through minutes of faults.
        extends: true,
        test: {
          name: 'net-faults',
          include: [netFaults],
          globalSetup: ['tools/test-kit/src/net-lab-setup.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
