export { type Breaker, type BreakerOptions, type BreakerState, createBreaker, type RunOptions } from './breaker.ts';
export { type Bulkhead, createBulkhead } from './bulkhead.ts';
export { DeadlineExceeded, isDeadline } from './deadline.ts';
export { createRetryBudget, nextDelay, type RetryBudget, type RetryPolicy } from './retry.ts';
