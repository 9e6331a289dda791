import { describe, expect, it } from 'vitest';
import { estimateWaitMinutes, MAX_WAIT_MINUTES } from './wait-time.ts';

describe('wait-time estimate', () => {
  it('when nobody arrives, then nobody waits', () => {
    expect(estimateWaitMinutes(0, 30)).toBe(0);
  });

  it('when arrivals approach capacity, then the wait grows', () => {
    const light = estimateWaitMinutes(10, 30);
    const heavy = estimateWaitMinutes(29, 30);
    expect(light).toBeLessThan(heavy);
    expect(heavy).toBeCloseTo(1, 0);
  });

  it('when arrivals reach or exceed capacity, then the wait is capped', () => {
    expect(estimateWaitMinutes(30, 30)).toBe(MAX_WAIT_MINUTES);
    expect(estimateWaitMinutes(300, 30)).toBe(MAX_WAIT_MINUTES);
  });
});
