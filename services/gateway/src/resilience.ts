import { redisBreakerOptions } from '@skico/cache';
import type { BreakerOptions, RetryPolicy } from '@skico/resilience';
import type { UpstreamName } from './upstream/types.ts';

const upstream = (name: UpstreamName): BreakerOptions => ({
  name,
  // The request budget (REQUEST_TIMEOUT_MS, or less if the client asks) bounds each call further.
  timeoutMs: 2_000,
  errorThresholdPercentage: 50,
  volumeThreshold: 10,
  resetTimeoutMs: 3_000,
  // Replaced by upstreamCapacity at start.
  capacity: 192,
  // Short, because a hung upstream fails slowly (each call takes the whole deadline): the successes from
  // just before the hang dilute the failures until they leave the window, so the window bounds how long
  // a hang goes on costing every caller the deadline.
  rollingWindowMs: 5_000,
});

/**
 * A breaker's capacity is the sum of the bulkheads that feed it (reads and writes), so that it never
 * refuses a call its bulkhead admitted: the bulkheads decide what is excess. Calls beyond
 * UPSTREAM_CONNECTIONS wait in the pool's queue, within their deadline.
 */
export const upstreamCapacity = (config: { READ_CONCURRENCY: number; WRITE_CONCURRENCY: number }) =>
  config.READ_CONCURRENCY + config.WRITE_CONCURRENCY;

/**
 * Every outbound dependency of the gateway and its knobs, in one place: a breaker per upstream service
 * and for Redis, retries for safe or keyed requests inside a budget, and load shedding. The bulkheads per
 * upstream and class of traffic (so a surge of lift-ride POSTs cannot starve the reads) are sized by
 * READ_CONCURRENCY and WRITE_CONCURRENCY, each below UPSTREAM_CONNECTIONS.
 */
export const gatewayResilience = {
  breakers: {
    resort: upstream('resort'),
    skier: upstream('skier'),
    'lift-ride': upstream('lift-ride'),
    redis: redisBreakerOptions,
  } satisfies Record<UpstreamName | 'redis', BreakerOptions>,
  retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 250 } satisfies RetryPolicy,
  /** Retries may add at most this share of the traffic over the window (plus a small floor). */
  retryBudget: { ratio: 0.1, minPerWindow: 10, windowMs: 10_000 },
  shedding: { maxInFlight: 1024, maxLagMs: 500 },
};
