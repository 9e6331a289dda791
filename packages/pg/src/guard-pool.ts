import { boundedQuery } from './bounded-query.ts';
import type { Pool } from './pool.ts';

/** Runs a call through a dependency's guard (its breaker), giving it an AbortSignal for its deadline. */
export type Guard = <T>(call: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * The same pool, with every `query(text, values)` run through the guard: a Postgres that is down or hung
 * is then answered at once by the open breaker instead of by a wait per request, and a statement the
 * guard gives up on is cancelled at the server (boundedQuery). Transactions (`connect`) are guarded by
 * their callers as one unit.
 */
export function guardPool(pool: Pool, guard: Guard): Pool {
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (text: string | { text: string; values?: unknown[] }, values?: unknown[]) =>
          guard((signal) => boundedQuery(target, typeof text === 'string' ? { text, values } : text, { signal }));
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
