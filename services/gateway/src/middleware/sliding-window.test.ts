import { describe, expect, it } from 'vitest';
import { createMemoryWindowStore, decide } from './sliding-window.ts';

const budget = { limit: 10, windowMs: 10_000 };

describe('sliding window', () => {
  it('when the budget is not used up, then the request is allowed and counted in remaining', () => {
    expect(decide(budget, { current: 3, previous: 0, elapsedMs: 2_000 })).toEqual({
      allowed: true,
      limit: 10,
      remaining: 6,
      resetSeconds: 8,
      retryAfterSeconds: 0,
    });
  });

  it('when the previous window still overlaps, then its weighted count uses up the budget', () => {
    // 10 × 0.5 of the previous window + 5 now = 10: the next one is refused.
    const refused = decide(budget, { current: 5, previous: 10, elapsedMs: 5_000 });
    expect(refused.allowed).toBe(false);
    expect(refused.remaining).toBe(0);
    // 0.6 of the previous window must slide out before one more fits: 1 s from now.
    expect(refused.retryAfterSeconds).toBe(1);
    expect(decide(budget, { current: 5, previous: 10, elapsedMs: 6_000 }).allowed).toBe(true);
  });

  it('when this window alone is full, then the retry waits into the next window', () => {
    const refused = decide(budget, { current: 10, previous: 0, elapsedMs: 1_000 });
    expect(refused.allowed).toBe(false);
    // 9 s to the end of this window, then 10 % of it must slide out: 1 s more.
    expect(refused.retryAfterSeconds).toBe(10);
  });

  it('when the memory store counts, then refused requests do not count and windows slide', async () => {
    const store = createMemoryWindowStore();
    const tiny = { limit: 3, windowMs: 1_000 };
    const at = async (t: number) => (await store.hit('k', tiny, t)).allowed;
    expect([await at(0), await at(10), await at(20), await at(30)]).toEqual([true, true, true, false]);
    // Half-way into the next window the previous three weigh 1.5: one more fits, not two.
    expect([await at(1_500), await at(1_510)]).toEqual([true, false]);
    // Two windows later nothing is left.
    expect(await at(3_000)).toBe(true);
    expect(await store.hit('other', tiny, 30)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('when the memory store is full of stale keys, then they are dropped', async () => {
    const store = createMemoryWindowStore(2);
    const tiny = { limit: 1, windowMs: 1_000 };
    await store.hit('a', tiny, 0);
    await store.hit('b', tiny, 0);
    await store.hit('c', tiny, 5_000);
    // 'a' was dropped, so it has its budget again even within the same window as 'c'.
    expect((await store.hit('a', tiny, 5_001)).allowed).toBe(true);
  });
});
