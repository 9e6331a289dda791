import { describe, expect, it } from 'vitest';
import { createStatistics } from './statistics.ts';

describe('gateway statistics', () => {
  it('when requests are recorded, then mean and max come per route template and method', () => {
    let now = 1_000_000;
    const stats = createStatistics({ windowSeconds: 60, now: () => now });
    stats.record('/resorts', 'GET', 10);
    stats.record('/resorts', 'GET', 30);
    now += 1500;
    stats.record('/resorts', 'GET', 200);
    stats.record('/resorts', 'POST', 5);
    expect(stats.snapshot()).toEqual([
      { URL: '/resorts', operation: 'GET', mean: 80, max: 200 },
      { URL: '/resorts', operation: 'POST', mean: 5, max: 5 },
    ]);
  });

  it('when requests fall out of the window, then they no longer count', () => {
    let now = 5_000_000;
    const stats = createStatistics({ windowSeconds: 10, now: () => now });
    stats.record('/resorts', 'GET', 500);
    now += 11_000;
    stats.record('/resorts', 'GET', 20);
    expect(stats.snapshot()).toEqual([{ URL: '/resorts', operation: 'GET', mean: 20, max: 20 }]);
    now += 20_000;
    expect(stats.snapshot()).toEqual([]);
  });

  it('when the recent seconds are asked for, then only they count, with the number of requests', () => {
    let now = 9_000_000;
    const stats = createStatistics({ windowSeconds: 60, now: () => now });
    stats.record('/resorts', 'GET', 100);
    now += 20_000;
    stats.record('/resorts', 'GET', 10);
    stats.record('/resorts', 'GET', 30);
    expect(stats.recent(10)).toEqual([{ URL: '/resorts', operation: 'GET', mean: 20, max: 30, count: 2 }]);
    expect(stats.snapshot()).toEqual([{ URL: '/resorts', operation: 'GET', mean: 47, max: 100 }]);
  });
});
