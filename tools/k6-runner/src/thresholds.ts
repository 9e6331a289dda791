import type { Metric, MetricType } from './metrics.ts';

type Aggregation = 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' | 'p';
type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ParsedThreshold {
  source: string;
  aggregation: Aggregation;
  /** The percentile of a `p(N)` aggregation. */
  p?: number;
  operator: Operator;
  value: number;
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  /** The aggregate the expression compared. */
  actual: number;
  ok: boolean;
  /** Samples of the metric: a threshold over none passes or fails on an empty aggregate, as in k6. */
  samples: number;
}

/** Which aggregations each metric type offers, as k6 allows them. */
const ALLOWED: Record<MetricType, readonly Aggregation[]> = {
  counter: ['count', 'rate'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p'],
};

const EXPRESSION =
  /^\s*(avg|min|max|med|count|rate|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/**
 * Parses one k6 threshold expression such as `p(95)<200` or `rate==0`.
 * @throws on any expression outside that grammar.
 */
export function parseThreshold(source: string): ParsedThreshold {
  const match = EXPRESSION.exec(source);
  if (!match) throw new Error(`k6-runner: threshold expression "${source}" is not one it understands`);
  const head = match[1] as string;
  const aggregation = (head.startsWith('p(') ? 'p' : head) as Aggregation;
  const parsed: ParsedThreshold = {
    source,
    aggregation,
    operator: match[3] as Operator,
    value: Number(match[4]),
  };
  if (aggregation === 'p') {
    parsed.p = Number(match[2]);
    if (parsed.p > 100) throw new Error(`k6-runner: threshold "${source}" asks for a percentile above 100`);
  }
  return parsed;
}

/** @throws when the aggregation does not exist for the metric's type (k6 refuses such a script too). */
export function checkAggregation(threshold: ParsedThreshold, metric: Pick<Metric, 'name' | 'type'>): void {
  if (!ALLOWED[metric.type].includes(threshold.aggregation)) {
    throw new Error(
      `k6-runner: threshold "${threshold.source}" on ${metric.name}: a ${metric.type} offers ${ALLOWED[metric.type].join(', ')}`,
    );
  }
}

function compare(actual: number, operator: Operator, value: number): boolean {
  switch (operator) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
    case '===':
      return actual === value;
    case '!=':
      return actual !== value;
  }
}

/** Evaluates a parsed threshold against a metric at the end of a run that lasted `elapsedSeconds`. */
export function evaluateThreshold(threshold: ParsedThreshold, metric: Metric, elapsedSeconds: number): ThresholdResult {
  checkAggregation(threshold, metric);
  const values = metric.values(elapsedSeconds);
  const actual =
    threshold.aggregation === 'p'
      ? (values.percentile?.(threshold.p as number) ?? 0)
      : (values[threshold.aggregation] as number | undefined);
  if (actual === undefined) throw new Error(`k6-runner: ${metric.name} has no ${threshold.aggregation}`);
  return {
    metric: metric.name,
    expression: threshold.source,
    actual,
    ok: compare(actual, threshold.operator, threshold.value),
    samples: metric.samples(),
  };
}
