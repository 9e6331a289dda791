import type { Cache } from '@skico/cache';
import { DependencyUnavailable } from '@skico/errors';
import type { Breaker } from '@skico/resilience';
import { keysChangedBy, type Ride } from './ride.ts';

/**
 * Writes rides and their skier-day aggregates at once, skipping rides already present (same natural key);
 * the statement ends when `signal` aborts or after `timeoutMs`. Returns the rides that were new.
 */
export type InsertRides = (rides: Ride[], bounds: InsertBounds) => Promise<Ride[]>;

export interface InsertBounds {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface PersistOptions {
  /** What is left of the caller's budget: the statement is ended by then (the fallback's direct write). */
  timeoutMs?: number;
  /**
   * Whether a failed invalidation fails the write (the worker: it then holds the batch and tries again,
   * its ack not yet given) or is only logged (the API's fallback, whose ride is committed either way).
   */
  invalidation?: 'required' | 'best-effort';
}

/** Persists rides (see `persistRides`), with its dependencies bound. Returns the rides that were new. */
export type PersistRides = (rides: Ride[], options?: PersistOptions) => Promise<Ride[]>;

export interface PersistDeps {
  insert: InsertRides;
  cache: Cache;
  postgres: Breaker;
  /** The longest a direct write may take: a caller's budget is capped at it. */
  budgetCapMs: number;
}

/**
 * The idempotent write shared by the worker and the API's fallback: rides and aggregates in one
 * statement behind the Postgres breaker, then the cache keys of every ride written invalidated, not only
 * of the rows this statement added: an earlier attempt that timed out may have committed them, with
 * nobody left to invalidate. Returns the rides that were new.
 * @throws DependencyUnavailable when Postgres, or a required invalidation, fails.
 */
export async function persistRides(deps: PersistDeps, rides: Ride[], options: PersistOptions = {}): Promise<Ride[]> {
  const timeoutMs = options.timeoutMs === undefined ? undefined : Math.min(options.timeoutMs, deps.budgetCapMs);
  const added = await deps.postgres.run((signal) => deps.insert(rides, { signal, timeoutMs }), { timeoutMs });
  const keys = [...new Set(rides.flatMap(keysChangedBy))];
  try {
    await deps.cache.invalidate(keys, { required: options.invalidation === 'required' });
  } catch (err) {
    throw new DependencyUnavailable('redis', 'failed', { cause: err });
  }
  return added;
}
