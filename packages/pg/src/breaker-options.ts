import { isStatementBudgetSpent } from './bounded-query.ts';
import { isPgStatementError } from './errors.ts';

/**
 * The knobs of a service's Postgres breaker, shared by every service (a service's `src/resilience.ts`
 * lists it with its other dependencies). Its capacity is set at start from the pool size.
 */
export const postgresBreakerOptions = {
  name: 'postgres',
  timeoutMs: 1_500,
  errorThresholdPercentage: 50,
  volumeThreshold: 10,
  resetTimeoutMs: 2_000,
  // Replaced at start by CALLS_PER_CONNECTION × PG_POOL_MAX: a short wait for a connection, then refusal.
  capacity: 40,
  rollingWindowMs: 10_000,
  // A statement Postgres rejected (a constraint, bad data) says nothing about its health, and neither does
  // one it ended because the caller's own budget ran out.
  isHealthy: (error: unknown) => isPgStatementError(error) || isStatementBudgetSpent(error),
};
