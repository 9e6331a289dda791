import { describe, expect, it } from 'vitest';
import { createMetricRegistry } from './metrics.ts';
import { evaluateThreshold, parseThreshold } from './thresholds.ts';

function registryWith(samples: Record<string, number[]>) {
  const metrics = createMetricRegistry();
  metrics.define({ name: 'errors', type: 'rate', isTime: false });
  metrics.define({ name: 'shed', type: 'counter', isTime: false });
  for (const [name, values] of Object.entries(samples)) for (const v of values) metrics.add(name, v);
  return metrics;
}

describe('parseThreshold', () => {
  it('when given k6 expressions, then it parses aggregation, operator and value', () => {
    expect(parseThreshold('p(95)<200')).toMatchObject({ aggregation: 'p', p: 95, operator: '<', value: 200 });
    expect(parseThreshold(' p(99.9) <= 1.5 ')).toMatchObject({ aggregation: 'p', p: 99.9, operator: '<=', value: 1.5 });
    expect(parseThreshold('rate==0')).toMatchObject({ aggregation: 'rate', operator: '==', value: 0 });
    expect(parseThreshold('count>=10')).toMatchObject({ aggregation: 'count', operator: '>=', value: 10 });
    for (const agg of ['avg', 'min', 'max', 'med']) expect(parseThreshold(`${agg}>1`).aggregation).toBe(agg);
    for (const op of ['<', '<=', '>', '>=', '==', '===', '!=']) expect(parseThreshold(`avg${op}1`).operator).toBe(op);
  });

  it('when the expression is outside the grammar, then it throws rather than guess', () => {
    for (const bad of ['p95<200', 'p(95)<200ms', 'avg < x', 'rate=0', 'value<1', 'p(101)<1', 'avg<1 && max<2', '']) {
      expect(() => parseThreshold(bad), bad).toThrow(/k6-runner/);
    }
  });
});

describe('evaluateThreshold', () => {
  it('when a trend is compared, then avg, med, max and interpolated percentiles are used', () => {
    const metrics = registryWith({ http_req_duration: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] });
    const trend = metrics.get('http_req_duration');
    if (!trend) throw new Error('no trend');
    const check = (expr: string) => evaluateThreshold(parseThreshold(expr), trend, 1);
    expect(check('avg<56')).toMatchObject({ ok: true, actual: 55 });
    expect(check('med==55')).toMatchObject({ ok: true, actual: 55 });
    expect(check('p(90)<92').ok).toBe(true);
    expect(check('p(90)<92').actual).toBeCloseTo(91);
    expect(check('p(95)<95').ok).toBe(false);
    expect(check('p(95)<95').actual).toBeCloseTo(95.5);
    expect(check('max<=100').ok).toBe(true);
    expect(check('min>10').ok).toBe(false);
    expect(check('avg<56')).toMatchObject({ metric: 'http_req_duration', expression: 'avg<56', samples: 10 });
  });

  it('when a rate or a counter is compared, then the share of true values and count or per-second rate are used', () => {
    const metrics = registryWith({ errors: [0, 0, 1, 0], shed: [1, 1, 1] });
    const errors = metrics.get('errors');
    const shed = metrics.get('shed');
    if (!errors || !shed) throw new Error('metrics missing');
    expect(evaluateThreshold(parseThreshold('rate<0.3'), errors, 2)).toMatchObject({ ok: true, actual: 0.25 });
    expect(evaluateThreshold(parseThreshold('rate==0'), errors, 2).ok).toBe(false);
    expect(evaluateThreshold(parseThreshold('count==3'), shed, 2).ok).toBe(true);
    expect(evaluateThreshold(parseThreshold('rate>1'), shed, 2)).toMatchObject({ ok: true, actual: 1.5 });
  });

  it('when an aggregation does not exist for the type, then it throws, as k6 refuses such a script', () => {
    const metrics = registryWith({});
    const errors = metrics.get('errors');
    const trend = metrics.get('http_req_duration');
    if (!errors || !trend) throw new Error('metrics missing');
    expect(() => evaluateThreshold(parseThreshold('p(95)<1'), errors, 1)).toThrow(/a rate offers rate/);
    expect(() => evaluateThreshold(parseThreshold('rate<1'), trend, 1)).toThrow(/a trend offers/);
  });

  it('when a metric has no samples, then the empty aggregate is compared and the count of samples says so', () => {
    const metrics = registryWith({});
    const dropped = metrics.get('dropped_iterations');
    if (!dropped) throw new Error('no dropped_iterations');
    expect(evaluateThreshold(parseThreshold('count==0'), dropped, 1)).toMatchObject({ ok: true, samples: 0 });
  });
});
