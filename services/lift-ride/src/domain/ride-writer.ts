import type { Cache } from '@skico/cache';
import { DependencyUnavailable } from '@skico/errors';
import type { Pool } from '@skico/pg';
import type { Breaker } from '@skico/resilience';
import { insertRides } from '../data/ride-writer.ts';
import { keysChangedBy, type Ride } from './ride.ts';

export interface WriteOptions {
  /** What is left of the caller's budget: the statement is ended by then (the fallback's direct write). */
  timeoutMs?: number;
  /**
   * Whether a failed invalidation fails the write (the worker: it then holds the batch and tries again,
   * its ack not yet given) or is only logged (the API's fallback, whose ride is committed either way).
   */
  invalidation?: 'required' | 'best-effort';
}

export type RideWriter = (rides: Ride[], options?: WriteOptions) => Promise<Ride[]>;

/**
 * The idempotent write shared by the worker and the API's fallback: rides and aggregates in one
 * statement behind the Postgres breaker, then the cache keys of every ride written invalidated, not only
 * of the rows this statement added: an earlier attempt that timed out may have committed them, with
 * nobody left to invalidate. A caller's budget is capped at `budgetCapMs`, the longest a direct write
 * may take. Returns the rides that were new.
 */
export function createRideWriter(deps: {
  pool: Pool;
  cache: Cache;
  postgres: Breaker;
  budgetCapMs: number;
}): RideWriter {
  return async (rides, options = {}) => {
    const timeoutMs = options.timeoutMs === undefined ? undefined : Math.min(options.timeoutMs, deps.budgetCapMs);
    const added = await deps.postgres.run((signal) => insertRides(deps.pool, rides, { signal, timeoutMs }), {
      timeoutMs,
    });
    const keys = [...new Set(rides.flatMap(keysChangedBy))];
    try {
      await deps.cache.invalidate(keys, { required: options.invalidation === 'required' });
    } catch (err) {
      throw new DependencyUnavailable('redis', 'failed', { cause: err });
    }
    return added;
  };
}
