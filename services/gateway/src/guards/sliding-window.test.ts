import { describe, expect, it } from 'vitest';
import { createWindowStore, decide, type SyncItem, type SyncResult } from './sliding-window.ts';

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

  it('when a store counts on its own, then refused requests do not count and windows slide', () => {
    const store = createWindowStore();
    const tiny = { limit: 3, windowMs: 1_000 };
    const at = (t: number) => store.hit('k', tiny, t).allowed;
    expect([at(0), at(10), at(20), at(30)]).toEqual([true, true, true, false]);
    // Half-way into the next window the previous three weigh 1.5: one more fits, not two.
    expect([at(1_500), at(1_510)]).toEqual([true, false]);
    // Two windows later nothing is left.
    expect(at(3_000)).toBe(true);
    expect(store.hit('other', tiny, 30)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('when the store is full, then the least recently seen key makes room and has its budget again', () => {
    const store = createWindowStore(undefined, 2);
    const tiny = { limit: 1, windowMs: 1_000 };
    store.hit('a', tiny, 0);
    store.hit('b', tiny, 0);
    store.hit('b', tiny, 1);
    store.hit('c', tiny, 2);
    expect(store.size()).toBe(2);
    expect(store.hit('b', tiny, 3).allowed).toBe(false);
    // 'a' was dropped, so it has its budget again within the same window.
    expect(store.hit('a', tiny, 4).allowed).toBe(true);
  });

  it('when a flood of distinct keys arrives within one window, then the store never holds more than its cap', () => {
    const cap = 1_000;
    const store = createWindowStore(async (items) => items.map(() => ({ current: 0, previous: 0 })), cap);
    let largest = 0;
    for (let i = 0; i < 200_000; i++) {
      store.hit(`read:ip:${i}`, budget, 5_000);
      largest = Math.max(largest, store.size());
    }
    expect(largest).toBe(cap);
  });
});

/** A shared store in memory, as Redis keeps it: one counter per key and window. */
function sharedCounters() {
  const counts = new Map<string, number>();
  let failing = false;
  const share = async (items: SyncItem[]): Promise<SyncResult[]> => {
    if (failing) throw new Error('unreachable');
    return items.map((item) => {
      const id = `${item.key}:${item.index}`;
      counts.set(id, (counts.get(id) ?? 0) + item.add);
      return { current: counts.get(id) ?? 0, previous: counts.get(`${item.key}:${item.index - 1}`) ?? 0 };
    });
  };
  return { share, counts, fail: (on: boolean) => (failing = on) };
}

describe('sliding window shared between replicas', () => {
  const budget = { limit: 10, windowMs: 10_000 };

  it("when two replicas sync, then each counts the other's requests, and the budget is passed by at most what the other admitted since the last sync", async () => {
    const shared = sharedCounters();
    const [a, b] = [createWindowStore(shared.share), createWindowStore(shared.share)];
    const tick = async (t: number) => {
      await a.sync(t);
      await b.sync(t);
    };
    for (let i = 0; i < 6; i++) expect(a.hit('k', budget, 100 + i).allowed).toBe(true);
    // A replica learns a client's shared count with its first sync after it saw the client.
    expect(b.hit('k', budget, 150)).toMatchObject({ allowed: true, remaining: 9 });
    await tick(200);
    expect(b.hit('k', budget, 250)).toMatchObject({ allowed: true, remaining: 2 });
    expect(a.hit('k', budget, 260)).toMatchObject({ allowed: true, remaining: 3 });
    await tick(300);
    expect(b.hit('k', budget, 350)).toMatchObject({ allowed: true, remaining: 0 });
    expect(b.hit('k', budget, 351).allowed).toBe(false);
    // a has not heard of b's last request yet: it admits one more than the budget.
    expect(a.hit('k', budget, 360)).toMatchObject({ allowed: true, remaining: 1 });
    await tick(400);
    expect(shared.counts.get('k:0')).toBe(11);
    expect(a.hit('k', budget, 450).allowed).toBe(false);
    expect(b.hit('k', budget, 450).allowed).toBe(false);
  });

  it('when a key is dropped to make room before its counts were sent, then the next sync still sends them', async () => {
    const shared = sharedCounters();
    const store = createWindowStore(shared.share, 1);
    for (let i = 0; i < 3; i++) store.hit('a', budget, 100 + i);
    store.hit('b', budget, 200);
    expect(store.size()).toBe(1);
    await store.sync(300);
    expect(shared.counts.get('a:0')).toBe(3);
    expect(shared.counts.get('b:0')).toBe(1);
  });

  it('when a sync fails, then the counts are kept, limits still hold, and they are sent with the next sync', async () => {
    const shared = sharedCounters();
    const store = createWindowStore(shared.share);
    store.hit('k', budget, 0);
    shared.fail(true);
    await expect(store.sync(10)).rejects.toThrow('unreachable');
    for (let i = 0; i < 9; i++) expect(store.hit('k', budget, 20 + i).allowed).toBe(true);
    expect(store.hit('k', budget, 40).allowed).toBe(false);
    shared.fail(false);
    await store.sync(50);
    expect(shared.counts.get('k:0')).toBe(10);
    expect(store.hit('k', budget, 60).allowed).toBe(false);
  });

  it('when a window ends before its counts were sent, then they go to that window and weigh in the next', async () => {
    const shared = sharedCounters();
    const store = createWindowStore(shared.share);
    for (let i = 0; i < 8; i++) store.hit('k', budget, 9_000 + i);
    // The next window starts before any sync: the eight are sent to window 0, and 0.8 × 8 still weighs.
    expect(store.hit('k', budget, 12_000)).toMatchObject({ allowed: true, remaining: 2 });
    await store.sync(12_100);
    expect(shared.counts.get('k:0')).toBe(8);
    expect(shared.counts.get('k:1')).toBe(1);
    expect(store.hit('k', budget, 12_200)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('when a sync is on its way, then requests counted meanwhile are neither lost nor counted twice', async () => {
    const shared = sharedCounters();
    const store = createWindowStore(shared.share);
    for (let i = 0; i < 3; i++) store.hit('k', budget, i);
    const first = store.sync(10);
    for (let i = 0; i < 2; i++) store.hit('k', budget, 20 + i);
    await first;
    await store.sync(30);
    expect(shared.counts.get('k:0')).toBe(5);
    expect(store.hit('k', budget, 40)).toMatchObject({ allowed: true, remaining: 4 });
  });
});
