import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './percentiles.ts';
import { createRandom } from './random.ts';

/** The definition, spelled out: the smallest sample with at least p % of all samples at or below it. */
function byDefinition(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.find((v) => sorted.filter((w) => w <= v).length / sorted.length >= p / 100) as number;
}

describe('percentiles', () => {
  it('when the samples are 1..100, then p50, p95, p99 and max are 50, 95, 99 and 100', () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(s).toMatchObject({ count: 100, min: 1, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
  });

  it('when there are 1000 samples, then p99 is the 990th, not an interpolation', () => {
    const sorted = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentile(sorted, 99)).toBe(990);
    expect(percentile(sorted, 99.9)).toBe(999);
    expect(percentile(sorted, 100)).toBe(1000);
  });

  it('when one slow request hides among fast ones, then max shows it and p50 does not', () => {
    const s = summarize([...Array.from({ length: 99 }, () => 2), 5000]);
    expect([s.p50, s.p99, s.max]).toEqual([2, 2, 5000]);
  });

  it('when samples are random, then every percentile equals the definition', () => {
    const rand = createRandom(7);
    const values = Array.from({ length: 997 }, () => rand.next() * 100);
    const sorted = Float64Array.from(values).sort();
    for (const p of [1, 10, 25, 50, 75, 90, 95, 99, 99.9]) expect(percentile(sorted, p)).toBe(byDefinition(values, p));
  });

  it('when there are no samples or one, then the summary is zeros or that sample', () => {
    expect(summarize([])).toMatchObject({ count: 0, p50: 0, p99: 0, max: 0, mean: 0 });
    expect(summarize([3.5])).toMatchObject({ count: 1, min: 3.5, p50: 3.5, p99: 3.5, max: 3.5 });
  });
});
