import { isPgStatementError } from '@skico/pg';
import type { BreakerOptions } from '@skico/resilience';

/** Every outbound dependency of the skier service and its knobs, in one place. */
export const skierDependencies = {
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
  'lift-ride': {
    name: 'lift-ride',
    // The stats budget (STATS_TIMEOUT_MS) bounds each call further: past it the profile degrades.
    timeoutMs: 1_000,
    errorThresholdPercentage: 50,
    volumeThreshold: 10,
    resetTimeoutMs: 2_000,
    capacity: 16,
    rollingWindowMs: 10_000,
  },
} satisfies Record<string, BreakerOptions>;
