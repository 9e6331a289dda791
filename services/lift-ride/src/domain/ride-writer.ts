import type { Cache } from '@skico/cache';
import type { Pool } from '@skico/pg';
import type { Breaker } from '@skico/resilience';
import { insertRides } from '../data/ride-writer.ts';
import { keysChangedBy, type Ride } from './ride.ts';

export type RideWriter = (rides: Ride[], options?: { timeoutMs?: number }) => Promise<Ride[]>;

/**
 * The idempotent write shared by the worker and the API's fallback: rides and aggregates in one
 * statement behind the Postgres breaker, then the cache keys of the rides that were new invalidated.
 * Returns the rides that were new.
 */
export function createRideWriter(deps: { pool: Pool; cache: Cache; postgres: Breaker }): RideWriter {
  return async (rides, options) => {
    const added = await deps.postgres.run(() => insertRides(deps.pool, rides), options);
    await deps.cache.invalidate([...new Set(added.flatMap(keysChangedBy))]);
    return added;
  };
}
