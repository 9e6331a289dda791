import { isPgStatementError } from '@skico/pg';
import type { BreakerOptions } from '@skico/resilience';

/** Every outbound dependency of the resort service and its knobs, in one place. */
export const resortDependencies = {
  postgres: {
    name: 'postgres',
    timeoutMs: 1_500,
    errorThresholdPercentage: 50,
    volumeThreshold: 10,
    resetTimeoutMs: 2_000,
    // Replaced at start by CALLS_PER_CONNECTION × PG_POOL_MAX: a short wait for a connection, then refusal.
    capacity: 40,
    rollingWindowMs: 10_000,
    isHealthy: isPgStatementError,
  },
} satisfies Record<string, BreakerOptions>;
