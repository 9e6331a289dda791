import { redisBreakerOptions, TOMBSTONE_SECONDS } from '@skico/cache';
import { postgresBreakerOptions } from '@skico/pg';
import type { BreakerOptions } from '@skico/resilience';

/**
 * Every outbound dependency of the lift-ride processes and its knobs, in one place. Timeouts are upper
 * bounds: each call also stays within what is left of its request's budget.
 */
export const liftRideDependencies = {
  postgres: postgresBreakerOptions,
  // The read replica's own breaker and bulkhead: while it is open, reads go to the primary.
  'postgres-replica': { ...postgresBreakerOptions, name: 'postgres-replica' },
  rabbitmq: {
    name: 'rabbitmq',
    timeoutMs: 1_050,
    errorThresholdPercentage: 50,
    volumeThreshold: 10,
    resetTimeoutMs: 2_000,
    capacity: 512,
    rollingWindowMs: 10_000,
  },
  fallback: {
    name: 'postgres-fallback',
    // After a publish that timed out (PUBLISH_TIMEOUT_MS), the direct write must still fit the budget.
    timeoutMs: 900,
    errorThresholdPercentage: 100,
    volumeThreshold: 1_000_000,
    resetTimeoutMs: 1_000,
    capacity: 8,
    rollingWindowMs: 10_000,
  },
  redis: redisBreakerOptions,
  resort: {
    name: 'resort',
    timeoutMs: 1_000,
    errorThresholdPercentage: 50,
    volumeThreshold: 5,
    resetTimeoutMs: 2_000,
    capacity: 16,
    rollingWindowMs: 10_000,
  },
} satisfies Record<string, BreakerOptions>;

/**
 * The ride queries read the replica only while it is known to have replayed everything the primary had
 * written `maxLagMs` before (measured by WAL position every `sampleIntervalMs`), else the primary. A write
 * such a read missed was invalidated after that point, so the read (its breaker's timeout at most) and its
 * cache fill (Redis's) land while the invalidation's tombstone still refuses fills: no value older than an
 * invalidation is cached from the replica.
 */
export const replicaReads = {
  maxLagMs: 2_000,
  sampleIntervalMs: 250,
  /** How long an invalidation refuses fills (the cache's tombstones). */
  tombstoneMs: TOMBSTONE_SECONDS * 1_000,
};
