export { type Breaker, type BreakerOptions, type BreakerState, createBreaker } from './breaker.ts';
export { type Bulkhead, createBulkhead } from './bulkhead.ts';
export { createRetryBudget, nextDelay, type RetryBudget, type RetryPolicy } from './retry.ts';
