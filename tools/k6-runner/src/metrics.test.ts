import { describe, expect, it } from 'vitest';
import { createMetricRegistry, percentile } from './metrics.ts';

describe('percentile', () => {
  it('when ranks fall between values, then it interpolates linearly as k6 does', () => {
    expect(percentile([], 95)).toBe(0);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
    expect(percentile([1, 2, 3, 4], 0)).toBe(1);
  });
});

describe('metric registry', () => {
  it('when created, then the built-in metrics exist with k6 types', () => {
    const metrics = createMetricRegistry();
    expect(metrics.get('http_req_duration')).toMatchObject({ type: 'trend', isTime: true });
    expect(metrics.get('http_req_failed')).toMatchObject({ type: 'rate' });
    expect(metrics.get('http_reqs')).toMatchObject({ type: 'counter' });
    expect(metrics.get('checks')).toMatchObject({ type: 'rate' });
    expect(metrics.get('dropped_iterations')).toMatchObject({ type: 'counter' });
  });

  it('when trend samples arrive out of order, then aggregates are of the sorted values', () => {
    const metrics = createMetricRegistry();
    for (const v of [5, 1, 4, 2, 3]) metrics.add('iteration_duration', v);
    const values = metrics.get('iteration_duration')?.values(1);
    expect(values).toMatchObject({ count: 5, avg: 3, min: 1, max: 5, med: 3 });
    metrics.add('iteration_duration', 0);
    expect(metrics.get('iteration_duration')?.values(1)).toMatchObject({ min: 0, med: 2.5 });
  });

  it('when a custom metric is declared again, then the same type is accepted and another refused', () => {
    const metrics = createMetricRegistry();
    const first = metrics.define({ name: 'unexpected_errors', type: 'rate', isTime: false });
    expect(metrics.define({ name: 'unexpected_errors', type: 'rate', isTime: false })).toBe(first);
    expect(() => metrics.define({ name: 'unexpected_errors', type: 'counter', isTime: false })).toThrow(
      /already a rate/,
    );
    expect(() => metrics.define({ name: 'checks', type: 'trend', isTime: false })).toThrow(/already a rate/);
  });

  it('when a sample names an undeclared metric, then it throws instead of dropping it', () => {
    expect(() => createMetricRegistry().add('typo', 1)).toThrow(/undeclared metric typo/);
  });
});
