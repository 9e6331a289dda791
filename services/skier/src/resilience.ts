import { postgresBreakerOptions } from '@skico/pg';
import type { BreakerOptions } from '@skico/resilience';

/** Every outbound dependency of the skier service and its knobs, in one place. */
export const skierDependencies = {
  postgres: postgresBreakerOptions,
  // The read replica's own breaker and bulkhead: while it is open, reads go to the primary.
  'postgres-replica': { ...postgresBreakerOptions, name: 'postgres-replica' },
  'lift-ride': {
    name: 'lift-ride',
    // The default stats budget; the process sets it from STATS_TIMEOUT_MS. A call that had all of it and
    // did not answer counts against the lift-ride service; one a shorter request deadline cut does not.
    timeoutMs: 300,
    errorThresholdPercentage: 50,
    volumeThreshold: 10,
    resetTimeoutMs: 2_000,
    capacity: 16,
    rollingWindowMs: 10_000,
  },
} satisfies Record<string, BreakerOptions>;

/**
 * Profile reads go to the replica only while it is known to hold what the primary had `maxLagMs` before
 * (measured every `sampleIntervalMs`), as the lift-ride queries do: a profile read after its write lags at
 * most that much.
 */
export const skierReplicaReads = { maxLagMs: 2_000, sampleIntervalMs: 250 };
