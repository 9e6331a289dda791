export { type Breaker, type BreakerOptions, type BreakerState, createBreaker } from './breaker.ts';
