import { isDependencyUnavailable } from '@skico/errors';
import { isStatementBudgetSpent } from './bounded-query.ts';
import { isTransientPgError } from './errors.ts';
import type { Pool } from './pool.ts';

/**
 * A pool for the query side: every `query` runs on the replica (a pool already guarded by its own
 * breaker) and, while the replica is down (its breaker open or refusing, a connection error) or
 * `useReplica` says no (it lags too far), on the primary instead. A statement the replica rejected is the
 * caller's error, as it would be the primary's.
 */
export function readPool(pools: {
  replica: Pool;
  primary: Pool;
  useReplica?: () => boolean;
  onFallback?: (error: unknown) => void;
}): Pool {
  const { replica, primary } = pools;
  return new Proxy(replica, {
    get(target, property, receiver) {
      if (property === 'query') {
        return async (...args: unknown[]) => {
          const query = (pool: Pool) => (pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
          if (pools.useReplica && !pools.useReplica()) return query(primary);
          try {
            return await query(target);
          } catch (err) {
            // A caller whose own budget ran out has no time left for the primary either.
            if (isStatementBudgetSpent(err)) throw err;
            if (!isDependencyUnavailable(err) && !isTransientPgError(err)) throw err;
            pools.onFallback?.(err);
            return query(primary);
          }
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
