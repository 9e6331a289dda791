import { describe, expect, it } from 'vitest';
import { createRetryBudget, nextDelay } from './retry.ts';

const policy = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 250 };

describe('retries', () => {
  it('when delays are drawn, then each lies between the base and three times the previous, capped', () => {
    expect(nextDelay(policy, 0, () => 0)).toBe(20);
    expect(nextDelay(policy, 50, () => 1)).toBe(150);
    expect(nextDelay(policy, 200, () => 1)).toBe(250);
    for (let i = 0; i < 100; i++) {
      const d = nextDelay(policy, 40);
      expect(d).toBeGreaterThanOrEqual(20);
      expect(d).toBeLessThanOrEqual(120);
    }
  });

  it('when retries pass their share of the traffic, then the budget refuses more', () => {
    let t = 0;
    const budget = createRetryBudget({ ratio: 0.1, minPerWindow: 2, windowMs: 1000, now: () => t });
    for (let i = 0; i < 100; i++) budget.recordRequest();
    const granted = Array.from({ length: 50 }, () => budget.tryRetry()).filter(Boolean).length;
    expect(granted).toBe(12);
    t += 2000;
    expect(budget.tryRetry()).toBe(true);
  });

  it('when the window slides, then requests older than the window stop counting, a bucket at a time', () => {
    let t = 0;
    const budget = createRetryBudget({ ratio: 1, minPerWindow: 0, windowMs: 1000, now: () => t });
    for (let i = 0; i < 5; i++) budget.recordRequest();
    t = 500;
    for (let i = 0; i < 5; i++) budget.recordRequest();
    t = 1050;
    // The first five left the window; five retries are left for the last five requests.
    expect(Array.from({ length: 10 }, () => budget.tryRetry()).filter(Boolean).length).toBe(5);
  });

  it('when a busy gateway keeps a full window of requests, then each costs the same (no work per entry)', () => {
    let t = 0;
    const budget = createRetryBudget({ ratio: 0.1, minPerWindow: 10, windowMs: 10_000, now: () => t });
    const started = performance.now();
    // 20 requests a millisecond: 200,000 in the window at any time.
    for (let i = 0; i < 1_000_000; i++) {
      if (i % 20 === 0) t += 1;
      budget.recordRequest();
      if (i % 10 === 0) budget.tryRetry();
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
