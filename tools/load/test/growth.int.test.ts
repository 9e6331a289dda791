import { describe, expect, it } from 'vitest';
import { measureGrowth } from '../src/growth/growth.ts';

describe('query latency as the ride table grows', () => {
  it('when the table grows tenfold, then the point queries stay within 2× of their latency', async () => {
    const result = await measureGrowth({ sizes: [20_000, 200_000], samples: 300 });
    expect(result.steps.map((s) => s.rides)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(result.steps[1]?.rides).toBeGreaterThan(150_000);
    for (const r of result.ratios.filter((x) => x.query !== 'unique skiers')) {
      // p50: the typical query; one slow sample on a shared machine must not decide it.
      expect(r.p50, r.query).toBeLessThan(2);
    }
  }, 120_000);
});
